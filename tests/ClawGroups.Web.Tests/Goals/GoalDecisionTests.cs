using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;

namespace ClawGroups.Web.Tests.Goals;

/// <summary>A cancelled sub-item holds its goal back until its people decide: retried it runs again, dropped the goal is consolidated without it.</summary>
[Collection(WebTestCollection.Name)]
public sealed class GoalDecisionTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The schema can be done by the back-end agent; the launch party needs a skill nobody has, so it waits.</summary>
    private static Plan TwoParts(WorkItem goal) => new(
    [
        new PlanItem("schema", "Design the schema", RequiredSkills: ["backend"]),
        new PlanItem("party", "Throw the launch party", RequiredSkills: ["party-planning"]),
    ]);

    [Fact]
    public async Task A_cancelled_sub_item_waits_for_a_decision_and_once_dropped_the_goal_is_consolidated_without_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await scenario.StartAgentAsync("planner", SkillProfiles.Planner, AgentDelivery.Pull, AgentBehaviour.Planner(TwoParts));
        await scenario.StartAgentAsync("backend", SkillProfiles.Backend, AgentDelivery.Pull);
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Ship the database", Kind: WorkItemKinds.Goal));
        var party = await Eventually.ReachAsync(
            async () => (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).FirstOrDefault(w => w.Title == "Throw the launch party"),
            w => w is not null, "the plan's sub-items", Deadline);
        await scenario.Human.CancelAsync(party!.Id);
        var waiting = await PlanOfAsync(scenario, goal.Id);

        await scenario.Human.SendAsync(HttpMethod.Post, $"api/v1/work-items/{party.Id}/decision", new { choice = "retry" });
        var retried = await scenario.Human.GetWorkItemAsync(party.Id);
        await scenario.Human.CancelAsync(party.Id);
        await scenario.Human.SendAsync(HttpMethod.Post, $"api/v1/work-items/{party.Id}/decision", new { choice = "drop" });
        var again = await Record.ExceptionAsync(() => scenario.Human.SendAsync(HttpMethod.Post, $"api/v1/work-items/{party.Id}/decision", new { choice = "drop" }));
        var done = await scenario.WaitForStateAsync(goal.Id, WorkItemStates.Done, Deadline);

        Assert.Equal([party.Id], waiting.GetProperty("needsDecision").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(WorkItemStates.Ready, retried.State);
        Assert.Equal(HttpStatusCode.Conflict, Assert.IsType<ClawApiException>(again).StatusCode);
        var shape = await PlanOfAsync(scenario, goal.Id);
        Assert.Equal(1, shape.GetProperty("total").GetInt32());
        Assert.Equal(1, shape.GetProperty("done").GetInt32());
        Assert.Empty(shape.GetProperty("needsDecision").EnumerateArray());
        var consolidation = shape.GetProperty("consolidation");
        Assert.Equal("done", consolidation.GetProperty("state").GetString());
        var written = await scenario.Human.GetWorkItemAsync(consolidation.GetProperty("id").GetString()!);
        Assert.Contains("## Design the schema", written.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("launch party", written.Description, StringComparison.Ordinal);
        Assert.NotNull(done.Result);
    }

    private static async Task<JsonElement> PlanOfAsync(ApiScenario scenario, string goalId)
        => (await scenario.Human.SendAsync(HttpMethod.Get, $"api/v1/work-items/{goalId}/plan")).Json!.Value;
}
