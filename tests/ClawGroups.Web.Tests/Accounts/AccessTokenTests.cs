using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Coordinator.Credentials;

namespace ClawGroups.Web.Tests.Accounts;

[Collection(WebTestCollection.Name)]
public sealed class AccessTokenTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await ClawAppFactory.StartOnLoopbackAsync();
        _http = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_personal_access_token_reads_its_owners_group_until_it_is_revoked()
    {
        var ada = await _app.CreatePersonAsync("Ada");
        var created = (await _app.RunAsync<AccessTokenService, AccessTokenCreated>(s => s.CreateAsync(ada, new CreateAccessTokenRequest("ci", 30), default))).Value!;
        var groupId = await CreateGroupAsync(created.Token);

        var before = await GetGroupAsync(groupId, created.Token);
        var revoked = await _app.RunAsync<AccessTokenService, bool>(s => s.RevokeAsync(ada, created.Id, default));
        var after = await GetGroupAsync(groupId, created.Token);

        Assert.StartsWith(SecretToken.PersonalAccessTokenPrefix, created.Token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.True(revoked.Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_list_shows_prefixes_and_use_but_never_the_token()
    {
        var ada = await _app.CreatePersonAsync("Ada");
        var created = (await _app.RunAsync<AccessTokenService, AccessTokenCreated>(s => s.CreateAsync(ada, new CreateAccessTokenRequest("ci", null), default))).Value!;
        await CreateGroupAsync(created.Token);

        var listed = Assert.Single((await _app.RunAsync<AccessTokenService, IReadOnlyList<AccessTokenView>>(s => s.ListAsync(ada, default))).Value!);

        Assert.Equal("ci", listed.Name);
        Assert.True(created.Token.StartsWith(listed.Prefix, StringComparison.Ordinal) && listed.Prefix.Length < created.Token.Length);
        Assert.Null(listed.ExpiresAt);
        Assert.NotNull(listed.LastUsedAt);
        Assert.Null(listed.RevokedAt);
    }

    [Fact]
    public async Task Nobody_revokes_or_lists_another_persons_token()
    {
        var ada = await _app.CreatePersonAsync("Ada");
        var mallory = await _app.CreatePersonAsync("Mallory");
        var created = (await _app.RunAsync<AccessTokenService, AccessTokenCreated>(s => s.CreateAsync(ada, new CreateAccessTokenRequest("ci", 30), default))).Value!;

        var revoke = await _app.RunAsync<AccessTokenService, bool>(s => s.RevokeAsync(mallory, created.Id, default));
        var malloryList = await _app.RunAsync<AccessTokenService, IReadOnlyList<AccessTokenView>>(s => s.ListAsync(mallory, default));

        Assert.Equal(Coordinator.Calls.FailureKind.NotFound, revoke.Failure?.Kind);
        Assert.Empty(malloryList.Value!);
        Assert.Equal(HttpStatusCode.Created, (await PostGroupAsync(created.Token)).StatusCode);
    }

    [Fact]
    public async Task A_token_needs_a_name_and_a_sensible_lifetime()
    {
        var ada = await _app.CreatePersonAsync("Ada");

        var outcome = await _app.RunAsync<AccessTokenService, AccessTokenCreated>(s => s.CreateAsync(ada, new CreateAccessTokenRequest(" ", 0), default));

        Assert.Equal(Coordinator.Calls.FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Equal(["expiresInDays", "name"], outcome.Failure!.Errors!.Keys.Order());
    }

    private async Task<Guid> CreateGroupAsync(string token)
    {
        var response = await PostGroupAsync(token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    private async Task<HttpResponseMessage> PostGroupAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/groups") { Content = JsonContent.Create(new { name = $"group {Guid.NewGuid():N}" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetGroupAsync(Guid groupId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/groups/{groupId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    private sealed record IdOnly(Guid Id);
}
