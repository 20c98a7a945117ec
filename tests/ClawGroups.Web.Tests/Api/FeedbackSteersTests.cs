using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// Feedback steers (decision 0024), over the API against the real app and simulated agents: a rejection, a hand-back and a
/// decline send the next offer to a different member unless the feedback asks for the same one, and the feedback is read
/// with the item's text when it is routed again.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class FeedbackSteersTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>No item is held for a person: these tests are about where the coordinator itself sends the next offer.</summary>
    private static readonly Dictionary<string, string?> RouteEverything = new() { ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0" };

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_rejected_item_is_offered_next_to_another_member(DatabaseProvider provider)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(RouteEverything, provider);
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        await scenario.StartAgentAsync("api", SkillProfiles.Backend, AgentDelivery.Pull);
        await scenario.StartAgentAsync("api-two", SkillProfiles.Backend, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an endpoint to export invoices"));
        var first = await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);

        await scenario.Human.ReviewAsync(item.Id, approve: false, feedback: "It must page through the invoices");

        var second = await SecondAttemptAsync(scenario, item.Id);
        Assert.NotEqual(first.Assignments[0].MemberId, second.MemberId);
    }

    [Theory]
    [InlineData("pixel, please add the dark mode toggle", null)]
    [InlineData("Add the dark mode toggle", true)]
    public async Task A_rejection_that_asks_for_the_same_member_is_offered_to_them_again(string feedback, bool? sameMember)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(RouteEverything);
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        var pixel = await scenario.StartAgentAsync("pixel", SkillProfiles.Frontend, AgentDelivery.Pull);
        await scenario.StartAgentAsync("api", SkillProfiles.Backend, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Build the React settings page"));
        var first = await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);
        Assert.Equal(pixel.AgentId, first.Assignments[0].MemberId);

        await scenario.Human.SendAsync(HttpMethod.Post, $"api/v1/work-items/{item.Id}/review", new { approve = false, feedback, sameMember });

        Assert.Equal(pixel.AgentId, (await SecondAttemptAsync(scenario, item.Id)).MemberId);
        var rejected = (await scenario.Human.GetEventsAsync(item.Id)).Single(e => e.Type == "work.rejected");
        Assert.True(rejected.Data!.Value.GetProperty("sameMember").GetBoolean());
    }

    [Fact]
    public async Task An_item_handed_back_with_front_end_please_goes_to_the_front_end_agent()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(RouteEverything);
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        // The item first goes to the wrong agent, the only member there is, as the observed bug had it; the others join after.
        var api = await scenario.StartAgentAsync("api", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Slow(TimeSpan.FromSeconds(3)));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the usage report"));
        await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id), w => w.Assignee?.Id == api.AgentId, "the item with api", Deadline);
        await scenario.StartAgentAsync("data", SkillProfiles.Data, AgentDelivery.Pull);
        await scenario.StartAgentAsync("research", SkillProfiles.Research, AgentDelivery.Pull);
        var pixel = await scenario.StartAgentAsync("pixel", SkillProfiles.Frontend, AgentDelivery.Pull);

        await scenario.Human.TakeoverAsync(item.Id);
        await scenario.Human.HandbackAsync(item.Id, "Front-end please");

        var next = await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id), w => w.Assignments.Count >= 3, "the next offer", Deadline);
        Assert.Equal(pixel.AgentId, next.Assignments[2].MemberId);
    }

    [Fact]
    public async Task A_declined_item_is_offered_next_to_another_member()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(RouteEverything);
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        var decliner = await scenario.StartAgentAsync("busy", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Failing(FailingMode.Decline, "Not mine"));
        var api = await scenario.StartAgentAsync("api", SkillProfiles.Backend, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an endpoint to export invoices"));

        var reviewed = await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);

        // Whoever it went to first, it ends with the agent that works, and the decliner had it once at most.
        Assert.Equal(api.AgentId, reviewed.Assignments.Last().MemberId);
        Assert.True(reviewed.Assignments.Count(a => a.MemberId == decliner.AgentId) <= 1);
    }

    [Fact]
    public async Task An_item_no_one_else_could_take_goes_back_to_the_member_it_was_rejected_from()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(RouteEverything);
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        var api = await scenario.StartAgentAsync("api", SkillProfiles.Backend, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an endpoint to export invoices"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);

        await scenario.Human.ReviewAsync(item.Id, approve: false, feedback: "It must page through the invoices");

        Assert.Equal(api.AgentId, (await SecondAttemptAsync(scenario, item.Id)).MemberId);
    }

    [Fact]
    public async Task A_reassignment_keeps_its_note_with_the_attempt_it_ends_and_refuses_one_too_long()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(RouteEverything);
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        var first = await scenario.StartAgentAsync("api", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the usage report"));
        await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id), w => w.Assignee?.Id == first.AgentId, "the item with api", Deadline);
        var pixel = await scenario.StartAgentAsync("pixel", SkillProfiles.Frontend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var path = $"api/v1/work-items/{item.Id}/reassign";

        var tooLong = await Record.ExceptionAsync(() => scenario.Human.SendAsync(HttpMethod.Post, path, new { memberId = pixel.AgentId, note = new string('x', 4001) }));
        await scenario.Human.SendAsync(HttpMethod.Post, path, new { memberId = pixel.AgentId, note = "The layout is front-end work" });

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, Assert.IsType<ClawApiException>(tooLong).StatusCode);
        var moved = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(pixel.AgentId, moved.Assignments[1].MemberId);
        Assert.Equal("The layout is front-end work", moved.Assignments[0].Extra!["feedback"].GetString());
    }

    /// <summary>The second work attempt, once it has been offered (its member is known from the offer on).</summary>
    private static async Task<AssignmentRecord> SecondAttemptAsync(ApiScenario scenario, string itemId)
    {
        var item = await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(itemId), w => w.Attempts >= 2 && w.Assignments.Count >= 2,
            "a second attempt", Deadline);
        return item.Assignments[1];
    }
}
