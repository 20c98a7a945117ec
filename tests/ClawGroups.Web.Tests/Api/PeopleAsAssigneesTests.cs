using System.Net;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// People as members the coordinator routes to (decision 0029), on PostgreSQL over real HTTP: a person sets skills and a
/// capacity, is offered fitting work while present, answers with the agents' /accept and /decline, and is not offered
/// more than their capacity, nor anything while away.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class PeopleAsAssigneesTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:PersonOfferTimeoutSeconds"] = "5",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_person_with_skills_is_offered_fitting_work_accepts_it_and_is_offered_no_more_than_their_capacity()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (ada, adaClient) = await JoinAsync(scenario, "Ada");
        await SetProfileAsync(adaClient, scenario.Group.Id, capacity: 1);
        var first = await CreateAsync(scenario, "Design the onboarding screens in Figma", "human");
        var second = await CreateAsync(scenario, "Design the settings page layout in Figma", "human");

        var offered = await Eventually.ReachAsync(
            () => scenario.Human.ListWorkItemsAsync(scenario.Group.Id, "assigned"), items => items.Count > 0, "an offer to Ada", Deadline);
        // Whatever passes ran before, one more over both items gives Ada nothing beyond her one slot.
        await PassAsync(scenario.Group.Id);

        var held = Assert.Single(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id, "assigned"));
        Assert.Equal(offered[0].Id, held.Id);
        Assert.Equal(("human", ada.Id.ToString()), (held.Assignee!.Kind, held.Assignee.Id));
        Assert.Contains("→ Visual design", held.Assignments.Single().Reason, StringComparison.Ordinal);
        var other = held.Id == first.Id ? second : first;
        Assert.Equal("ready", (await scenario.Human.GetWorkItemAsync(other.Id)).State);

        var owner = await Assert.ThrowsAsync<ClawApiException>(() => scenario.Human.AcceptAsync(held.Id));
        Assert.Equal(HttpStatusCode.Forbidden, owner.StatusCode);
        await adaClient.AcceptAsync(held.Id);
        Assert.Equal("inProgress", (await scenario.Human.GetWorkItemAsync(held.Id)).State);

        await adaClient.CompleteAsync(held.Id, "Screens are in the Figma file.");
        var next = await scenario.WaitForStateAsync(other.Id, "assigned", Deadline);
        Assert.Equal(ada.Id.ToString(), next.Assignee?.Id);
    }

    [Fact]
    public async Task A_person_who_is_away_is_not_offered_work_and_an_item_asking_for_a_person_waits_for_one()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (ada, adaClient) = await JoinAsync(scenario, "Ada");
        await SetProfileAsync(adaClient, scenario.Group.Id, capacity: 2);
        await LeaveAsync(ada.Id);
        var item = await CreateAsync(scenario, "Design the onboarding screens in Figma", "human");

        var offered = await PassAsync(scenario.Group.Id);

        Assert.Equal(0, offered);
        var waiting = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(("ready", null), (waiting.State, waiting.Assignee));

        // Any call of hers makes her present again, and the waiting item comes to her.
        await adaClient.SendAsync(HttpMethod.Get, $"api/v1/groups/{scenario.Group.Id}/members/me");
        var assigned = await scenario.WaitForStateAsync(item.Id, "assigned", Deadline);
        Assert.Equal(ada.Id.ToString(), assigned.Assignee?.Id);
    }

    [Fact]
    public async Task A_person_declines_with_the_agents_call_and_an_offer_left_unanswered_lapses_and_is_not_made_to_them_again()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (_, adaClient) = await JoinAsync(scenario, "Ada");
        await SetProfileAsync(adaClient, scenario.Group.Id, capacity: 1);
        var item = await CreateAsync(scenario, "Design the onboarding screens in Figma", "human");
        await scenario.WaitForStateAsync(item.Id, "assigned", Deadline);

        await adaClient.DeclineAsync(item.Id, "No time this week.");

        // No one else could take it, so it comes back to her (decision 0024); she leaves that offer unanswered (5 s here).
        var lapsed = await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id),
            w => w.Assignments.Any(a => a.Outcome == "stalled"), "the unanswered offer to lapse", Deadline);
        var offered = await PassAsync(scenario.Group.Id);

        Assert.Equal(["declined", "stalled"], lapsed.Assignments.Select(a => a.Outcome));
        Assert.Equal(0, offered);
        Assert.Equal("stalled", (await scenario.Human.GetWorkItemAsync(item.Id)).State);
    }

    [Fact]
    public async Task The_profile_is_checked_as_an_agent_card_is_and_shows_in_the_roster()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (ada, adaClient) = await JoinAsync(scenario, "Ada");

        var bad = await Assert.ThrowsAsync<ClawApiException>(() => adaClient.SendAsync(HttpMethod.Put, $"api/v1/groups/{scenario.Group.Id}/members/me",
            new { skills = new[] { new { name = "no id" } }, capacity = -1 }));
        await SetProfileAsync(adaClient, scenario.Group.Id, capacity: 2);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("capacity", bad.Body, StringComparison.Ordinal);
        Assert.Contains("skills[0].id", bad.Body, StringComparison.Ordinal);
        var group = await scenario.Human.GetGroupAsync(scenario.Group.Id);
        var member = group.Members.Single(m => m.Id == ada.Id.ToString());
        Assert.Equal(2, member.Extra!["capacity"].GetInt32());
        Assert.Equal("Visual design", member.Extra["skills"][0].GetProperty("name").GetString());
    }

    private async Task<(Caller Person, ClawApiClient Client)> JoinAsync(ApiScenario scenario, string name)
    {
        var person = await _app.CreatePersonAsync(name);
        await using (var context = _app.Database.NewContext())
        {
            context.GroupMembers.Add(new Data.Groups.GroupMember
            {
                GroupId = Guid.Parse(scenario.Group.Id), UserId = person.Id, Role = Data.Groups.GroupRole.Member, JoinedAt = DateTimeOffset.UtcNow,
            });
            await context.SaveChangesAsync();
        }

        var token = (await _app.RunAsync<AccessTokenService, AccessTokenCreated>(s => s.CreateAsync(person, new CreateAccessTokenRequest("tests", null), default))).Value!;
        return (person, scenario.Human.WithToken(token.Token));
    }

    private static Task<ClawApiResponse> SetProfileAsync(ClawApiClient person, string groupId, int capacity)
        => person.SendAsync(HttpMethod.Put, $"api/v1/groups/{groupId}/members/me", new
        {
            skills = new[] { new { id = "design", name = "Visual design", description = "Screens, layouts and flows in Figma", tags = new[] { "figma", "ui" } } },
            capacity,
            acceptsWork = true,
        });

    private static async Task<WorkItem> CreateAsync(ApiScenario scenario, string title, string assigneeKind)
        => (await scenario.Human.SendAsync(HttpMethod.Post, $"api/v1/groups/{scenario.Group.Id}/work-items", new { title, assigneeKind })).As<WorkItem>()!;

    /// <summary>The person closed their last page and made no API call for longer than presence lasts.</summary>
    private async Task LeaveAsync(Guid userId)
    {
        await using var context = _app.Database.NewContext();
        var away = DateTimeOffset.UtcNow - Coordinator.Groups.PersonPresence.AfterApiCall - TimeSpan.FromMinutes(1);
        await context.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LastApiCallAt, away).SetProperty(u => u.LastSeenAt, (DateTimeOffset?)null));
    }

    private async Task<int> PassAsync(string groupId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(Guid.Parse(groupId), CancellationToken.None);
    }
}
