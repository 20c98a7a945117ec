using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;

namespace ClawGroups.Web.Tests.Goals;

/// <summary>
/// A goal's loose ends over real HTTP on PostgreSQL: cancelling a goal cancels what is unfinished under it, and a sub-item
/// that starts waiting for a decision is announced on the goal's trail (<c>goal.needsDecision</c>).
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class GoalCancellationTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Work no agent of the group can do (carpentry), so it waits where the test leaves it.</summary>
    private static Plan Chain(WorkItem goal) => new(
    [
        new PlanItem("frame", "Build the frame", RequiredSkills: ["carpentry"]),
        new PlanItem("doors", "Hang the doors", RequiredSkills: ["carpentry"], DependsOn: ["frame"]),
        new PlanItem("paint", "Paint the doors", RequiredSkills: ["carpentry"], DependsOn: ["doors"]),
    ]);

    private static Plan OnePart(WorkItem goal) => new([new PlanItem("frame", "Build the frame", RequiredSkills: ["carpentry"])]);

    [Fact]
    public async Task Cancelling_a_goal_cancels_its_unfinished_sub_items_and_leaves_the_done_ones_done()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await scenario.StartAgentAsync("planner", SkillProfiles.Planner, AgentDelivery.Pull, AgentBehaviour.Planner(Chain));
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Build the shed", Kind: WorkItemKinds.Goal));
        var subItems = await SubItemsAsync(scenario, goal.Id, 3);
        await FinishYourselfAsync(scenario, subItems["Build the frame"]);

        await scenario.Human.CancelAsync(goal.Id);

        var after = await SubItemsAsync(scenario, goal.Id, 3);
        Assert.Equal(WorkItemStates.Done, after["Build the frame"].State);
        Assert.Equal(WorkItemStates.Cancelled, after["Hang the doors"].State);
        Assert.Equal(WorkItemStates.Cancelled, after["Paint the doors"].State);
        var shape = await PlanOfAsync(scenario, goal.Id);
        Assert.Equal("cancelled", shape.GetProperty("state").GetString());
        Assert.Empty(shape.GetProperty("needsDecision").EnumerateArray());
        Assert.DoesNotContain(await scenario.Human.GetEventsAsync(goal.Id), e => e.Type == "goal.needsDecision");
        var decide = await Record.ExceptionAsync(() => scenario.Human.SendAsync(HttpMethod.Post, $"api/v1/work-items/{after["Hang the doors"].Id}/decision", new { choice = "retry" }));
        Assert.Equal(HttpStatusCode.Conflict, Assert.IsType<ClawApiException>(decide).StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_goal_cancels_its_consolidation_and_tells_the_writer_holding_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await scenario.StartAgentAsync("planner", SkillProfiles.Planner, AgentDelivery.Pull, AgentBehaviour.Planner(OnePart));
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var writer = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Research with { Name = "writer", Delivery = AgentDelivery.Pull });
        var writerClient = scenario.AgentClient(writer.ApiKey);
        await writerClient.HeartbeatAsync(writer.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Build the shed", Kind: WorkItemKinds.Goal));
        await FinishYourselfAsync(scenario, (await SubItemsAsync(scenario, goal.Id, 1))["Build the frame"]);
        var consolidation = await Eventually.ReachAsync(
            async () => (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).FirstOrDefault(w => w.ParentId == goal.Id && w.Kind == WorkItemKinds.Consolidation),
            w => w is { State: WorkItemStates.Assigned } && w.Assignee?.Id == writer.AgentId, "the consolidation offered to the writer", Deadline);

        await scenario.Human.CancelAsync(goal.Id);

        Assert.Equal(WorkItemStates.Cancelled, (await scenario.Human.GetWorkItemAsync(consolidation!.Id)).State);
        var heartbeat = await writerClient.HeartbeatAsync(writer.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        using var body = JsonDocument.Parse(heartbeat.Body);
        Assert.Contains(body.RootElement.GetProperty("messages").EnumerateArray(),
            m => m.GetProperty("type").GetString() == "work.revoked" && m.GetProperty("data").GetProperty("workItemId").GetString() == consolidation.Id);
    }

    [Fact]
    public async Task A_cancelled_sub_item_is_announced_on_the_goals_trail_as_waiting_for_a_decision()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await scenario.StartAgentAsync("planner", SkillProfiles.Planner, AgentDelivery.Pull, AgentBehaviour.Planner(OnePart));
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Build the shed", Kind: WorkItemKinds.Goal));
        var frame = (await SubItemsAsync(scenario, goal.Id, 1))["Build the frame"];

        await scenario.Human.CancelAsync(frame.Id);

        var events = await scenario.Human.GetEventsAsync(goal.Id);
        var waiting = Assert.Single(events, e => e.Type == "goal.needsDecision");
        Assert.Equal(frame.Id, waiting.Data!.Value.GetProperty("subItemId").GetString());
        Assert.Equal("cancelled", waiting.Data.Value.GetProperty("reason").GetString());
        Assert.Equal([frame.Id], (await PlanOfAsync(scenario, goal.Id)).GetProperty("needsDecision").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>The owner takes the sub-item over and completes it: done without any agent.</summary>
    private static async Task FinishYourselfAsync(ApiScenario scenario, WorkItem subItem)
    {
        await scenario.Human.TakeoverAsync(subItem.Id);
        await scenario.Human.CompleteAsync(subItem.Id, "Done by hand.");
        await scenario.WaitForStateAsync(subItem.Id, WorkItemStates.Done, Deadline);
    }

    private static async Task<Dictionary<string, WorkItem>> SubItemsAsync(ApiScenario scenario, string goalId, int count)
    {
        var items = await Eventually.ReachAsync(
            async () => (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).Where(w => w.ParentId == goalId && w.Kind != WorkItemKinds.Consolidation).ToList(),
            w => w.Count == count, "the plan's sub-items", Deadline);
        return items.ToDictionary(w => w.Title!);
    }

    private static async Task<JsonElement> PlanOfAsync(ApiScenario scenario, string goalId)
        => (await scenario.Human.SendAsync(HttpMethod.Get, $"api/v1/work-items/{goalId}/plan")).Json!.Value;
}
