using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Data.Groups;
using Microsoft.EntityFrameworkCore;
using JoinToken = ClawGroups.Data.Groups.JoinToken;

namespace ClawGroups.Web.Tests.Accounts;

/// <summary>Invite links for people: they admit humans as members and never agents, and agents' join tokens never admit humans.</summary>
[Collection(WebTestCollection.Name)]
public sealed class InviteTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;
    private HttpClient _http = null!;
    private ClawApiClient _owner = null!;
    private Guid _groupId;

    public async Task InitializeAsync()
    {
        _app = await ClawAppFactory.StartOnLoopbackAsync();
        _http = new HttpClient { BaseAddress = _app.BaseAddress };
        _owner = new ClawApiClient(_http, ClawAppFactory.BootstrapToken);
        _groupId = Guid.Parse((await _owner.CreateGroupAsync(new CreateGroup("Night shift"))).Id);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_accepted_invite_makes_the_person_a_member_of_the_group()
    {
        var invite = await CreateInviteAsync();
        var grace = await _app.CreatePersonAsync("Grace");

        var accepted = await AcceptAsync(grace, invite.Token);

        Assert.True(accepted.Succeeded);
        Assert.Equal(_groupId, accepted.Value!.GroupId);
        var group = await _owner.GetGroupAsync(_groupId.ToString());
        var member = Assert.Single(group.Members, m => m.Name == "Grace");
        Assert.Equal("human", member.Kind);
        await using var context = _app.Database.NewContext();
        Assert.Equal(GroupRole.Member, (await context.GroupMembers.SingleAsync(m => m.UserId == grace.Id)).Role);
        Assert.True(await context.TrailEvents.AnyAsync(e => e.GroupId == _groupId && e.Type == "member.joined" && e.ActorId == grace.Id));
    }

    [Fact]
    public async Task Accepting_again_as_a_member_changes_nothing_and_uses_nothing()
    {
        var invite = await CreateInviteAsync(maxUses: 2);
        var grace = await _app.CreatePersonAsync("Grace");
        await AcceptAsync(grace, invite.Token);

        var again = await AcceptAsync(grace, invite.Token);

        Assert.True(again.Value!.AlreadyMember);
        await using var context = _app.Database.NewContext();
        Assert.Equal(1, await context.GroupMembers.CountAsync(m => m.UserId == grace.Id));
        Assert.Equal(1, (await context.JoinTokens.SingleAsync(t => t.TokenHash == SecretToken.Hash(invite.Token))).Uses);
    }

    [Fact]
    public async Task An_expired_invite_is_refused()
    {
        var invite = await CreateInviteAsync();
        await using (var context = _app.Database.NewContext())
        {
            await context.JoinTokens.Where(t => t.TokenHash == SecretToken.Hash(invite.Token))
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        var outcome = await AcceptAsync(await _app.CreatePersonAsync("Grace"), invite.Token);

        AssertRefused(outcome, "expired");
    }

    [Fact]
    public async Task An_invite_used_up_admits_nobody_else()
    {
        var invite = await CreateInviteAsync(maxUses: 1);
        await AcceptAsync(await _app.CreatePersonAsync("Grace"), invite.Token);
        var latecomer = await _app.CreatePersonAsync("Linus");

        var outcome = await AcceptAsync(latecomer, invite.Token);

        AssertRefused(outcome, "used as often as it allows");
        await using var context = _app.Database.NewContext();
        Assert.False(await context.GroupMembers.AnyAsync(m => m.UserId == latecomer.Id));
    }

    [Fact]
    public async Task Only_a_member_of_the_group_creates_invites()
    {
        var stranger = await _app.CreatePersonAsync("Mallory");

        var outcome = await _app.RunAsync<InviteService, InviteCreated>(s => s.CreateInviteAsync(stranger, _groupId, null, null, default));

        Assert.Equal(FailureKind.Forbidden, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task An_agents_join_token_is_not_an_invite()
    {
        var joinToken = await _owner.CreateJoinTokenAsync(_groupId.ToString());
        var grace = await _app.CreatePersonAsync("Grace");

        var outcome = await AcceptAsync(grace, joinToken.Token);

        AssertRefused(outcome, "join token");
        await using var context = _app.Database.NewContext();
        Assert.False(await context.GroupMembers.AnyAsync(m => m.UserId == grace.Id));
    }

    [Fact]
    public async Task An_invite_does_not_register_an_agent()
    {
        var invite = await CreateInviteAsync();

        var response = await RegisterAgentAsync(invite.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var context = _app.Database.NewContext();
        Assert.False(await context.Agents.AnyAsync());
    }

    [Fact]
    public async Task A_human_audience_token_does_not_register_an_agent_even_in_a_join_tokens_form()
    {
        // Defence in depth: whatever a token's text, only the agent audience registers agents.
        var token = SecretToken.Create(SecretToken.JoinTokenPrefix);
        await using (var context = _app.Database.NewContext())
        {
            context.JoinTokens.Add(new JoinToken
            {
                Id = Guid.CreateVersion7(), GroupId = _groupId, Audience = JoinTokenAudience.Human, Prefix = SecretToken.DisplayPrefix(token),
                TokenHash = SecretToken.Hash(token), CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1), MaxUses = 5,
            });
            await context.SaveChangesAsync();
        }

        var response = await RegisterAgentAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not known", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invite_page_sends_an_anonymous_visitor_to_sign_in_and_back()
    {
        var invite = await CreateInviteAsync();
        using var browser = new AccountBrowser(_app);

        var landing = await browser.FollowRedirectsAsync($"/invites/{invite.Token}");

        Assert.Equal($"/account/signin?returnUrl=%2Finvites%2F{invite.Token}", landing);
    }

    [Fact]
    public async Task The_invite_page_shows_a_signed_in_person_the_group_to_join()
    {
        var invite = await CreateInviteAsync();
        using var browser = new AccountBrowser(_app);
        await browser.SignUpAsync("Grace", "grace@example.com", "Correct-Horse-9");

        var page = await browser.GetAsync($"/invites/{invite.Token}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Night shift", html, StringComparison.Ordinal);
        Assert.Contains("Join group", html, StringComparison.Ordinal);
    }

    private async Task<InviteCreated> CreateInviteAsync(int? maxUses = null)
    {
        var outcome = await _app.RunAsync<InviteService, InviteCreated>(s => s.CreateInviteAsync(AccountsScenario.Owner, _groupId, null, maxUses, default));
        Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
        Assert.StartsWith(SecretToken.InvitePrefix, outcome.Value!.Token, StringComparison.Ordinal);
        return outcome.Value;
    }

    private Task<Outcome<InviteAccepted>> AcceptAsync(Caller caller, string token)
        => _app.RunAsync<InviteService, InviteAccepted>(s => s.AcceptInviteAsync(caller, token, default));

    private async Task<HttpResponseMessage> RegisterAgentAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents")
        {
            Content = JsonContent.Create(new { name = "sneaky", delivery = "pull", skills = Array.Empty<object>() }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    private static void AssertRefused(Outcome<InviteAccepted> outcome, string because)
    {
        Assert.False(outcome.Succeeded);
        Assert.Contains(because, outcome.Failure!.Detail, StringComparison.Ordinal);
    }
}
