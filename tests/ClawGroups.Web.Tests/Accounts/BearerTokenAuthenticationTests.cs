using System.Net;
using System.Net.Http.Headers;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Accounts;

[Collection(WebTestCollection.Name)]
public sealed class BearerTokenAuthenticationTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartAsync(DatabaseProvider.Postgres);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_bootstrap_token_opens_the_jobs_dashboard()
    {
        var response = await GetDashboardAsync(ClawAppFactory.BootstrapToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Claw Groups jobs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_gets_401_with_problem_details()
    {
        var response = await GetDashboardAsync("cg_pat_not-a-real-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not known", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_personal_access_token_of_a_member_who_is_not_the_owner_gets_403()
    {
        var token = await CreateAccessTokenAsync(isOwner: false);

        var response = await GetDashboardAsync(token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_personal_access_token_of_the_owner_opens_the_dashboard_and_records_its_use()
    {
        var token = await CreateAccessTokenAsync(isOwner: true);

        var response = await GetDashboardAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var context = _app.Database.NewContext();
        var stored = await context.PersonalAccessTokens.SingleAsync(t => t.TokenHash == SecretToken.Hash(token));
        Assert.NotNull(stored.LastUsedAt);
    }

    [Fact]
    public async Task A_revoked_personal_access_token_gets_401()
    {
        var token = await CreateAccessTokenAsync(isOwner: true);
        await using (var context = _app.Database.NewContext())
        {
            await context.PersonalAccessTokens.Where(t => t.TokenHash == SecretToken.Hash(token))
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow));
        }

        var response = await GetDashboardAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bootstrap_owner_exists_once_however_often_the_app_starts()
    {
        await using var second = new ClawAppFactory(_app.Database);
        _ = second.Server;

        await using var context = _app.Database.NewContext();
        var owner = await context.Users.SingleAsync(u => u.Id == ClawUser.BootstrapOwnerId);
        Assert.True(owner.IsInstanceOwner);
    }

    [Fact]
    public async Task A_browser_without_a_session_is_not_shown_the_dashboard()
    {
        using var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(new Uri("/hangfire", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> GetDashboardAsync(string token)
    {
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(new Uri("/hangfire", UriKind.Relative));
    }

    private async Task<string> CreateAccessTokenAsync(bool isOwner)
    {
        var token = SecretToken.Create(SecretToken.PersonalAccessTokenPrefix);
        var user = new ClawUser
        {
            Id = Guid.CreateVersion7(), UserName = $"user-{Guid.NewGuid():N}", DisplayName = "Grace", IsInstanceOwner = isOwner,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        user.AccessTokens.Add(new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(), Name = "ci", Prefix = SecretToken.DisplayPrefix(token), TokenHash = SecretToken.Hash(token),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await using var context = _app.Database.NewContext();
        context.Users.Add(user);
        await context.SaveChangesAsync();
        return token;
    }
}
