using System.Net;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;

namespace ClawGroups.Web.Tests.Goals;

/// <summary>
/// A goal from start to end over real HTTP on PostgreSQL with simulated agents: a planner splits it, the sub-items run in
/// dependency order on the agents their skills call for, a writer consolidates their results, and the goal lands in review
/// with that result; a plan that is no DAG or is too large is refused whole.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class GoalsEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Five sub-items, two dependency edges: api-tests after api, ui-tests after ui.</summary>
    private static Plan FivePartPlan(WorkItem goal) => new(
    [
        new PlanItem("api", "Add the export endpoint", "GET /invoices/export as CSV.", ["backend"]),
        new PlanItem("ui", "Add the export button", "A button on the invoices page.", ["frontend"]),
        new PlanItem("api-tests", "Test the export endpoint", "Cover empty and large exports.", ["backend"], ["api"]),
        new PlanItem("ui-tests", "Test the export button", "Keyboard and screen reader.", ["frontend"], ["ui"]),
        new PlanItem("index", "Index invoices by date", "The export filters by date.", ["backend"]),
    ]);

    [Fact]
    public async Task A_goal_is_planned_run_in_dependency_order_consolidated_by_a_writer_and_lands_in_review()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        var planner = await scenario.StartAgentAsync("planner", SkillProfiles.Planner, AgentDelivery.Webhook, AgentBehaviour.Planner(FivePartPlan));
        var backend = await scenario.StartAgentAsync("backend", SkillProfiles.Backend, AgentDelivery.Pull);
        var frontend = await scenario.StartAgentAsync("frontend", SkillProfiles.Frontend, AgentDelivery.Webhook);
        var writer = await scenario.StartAgentAsync("writer", SkillProfiles.Research, AgentDelivery.Pull);

        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id,
            new CreateWorkItem("Let customers export their invoices", "As CSV, from the invoices page.", Kind: WorkItemKinds.Goal));
        // The person reviews each result as it comes, as the group requires; the goal's own review is the test's to see.
        var inReview = await Eventually.ReachAsync(async () =>
            {
                foreach (var waiting in await scenario.Human.ListWorkItemsAsync(scenario.Group.Id, WorkItemStates.InReview))
                {
                    if (waiting.Id != goal.Id)
                    {
                        await scenario.Human.ReviewAsync(waiting.Id, approve: true);
                    }
                }

                return await scenario.Human.GetWorkItemAsync(goal.Id);
            }, g => g.State == WorkItemStates.InReview, "the goal to land in review", Deadline);

        var items = await scenario.Human.ListWorkItemsAsync(scenario.Group.Id);
        var subItems = items.Where(w => w.ParentId == goal.Id && w.Kind == WorkItemKinds.Task).ToList();
        var consolidation = Assert.Single(items, w => w.ParentId == goal.Id && w.Kind == WorkItemKinds.Consolidation);
        Assert.Equal([goal.Id], planner.Observed.Planned);
        Assert.Equal(5, subItems.Count);
        Assert.All(subItems, s => Assert.Equal(WorkItemStates.Done, s.State));
        Assert.Equal(WorkItemStates.Done, consolidation.State);

        // Dependency order: a dependent was first offered only after what it depends on was done.
        var byTitle = subItems.ToDictionary(s => s.Title!);
        AssertRanAfter(byTitle["Test the export endpoint"], byTitle["Add the export endpoint"]);
        AssertRanAfter(byTitle["Test the export button"], byTitle["Add the export button"]);
        Assert.Equal(2, subItems.Sum(s => s.DependsOn.Count));

        // Different agents, each by its skills; the writer wrote up, and nobody's slot is held by the goal.
        Assert.Equal(backend.AgentId, byTitle["Add the export endpoint"].Assignee?.Id);
        Assert.Equal(frontend.AgentId, byTitle["Add the export button"].Assignee?.Id);
        Assert.Equal(writer.AgentId, consolidation.Assignee?.Id);
        Assert.All(subItems.Concat([consolidation]), s => Assert.NotEqual(planner.AgentId, s.Assignee?.Id));
        Assert.Contains(consolidation.Id, writer.Observed.Completed);

        // The consolidation carried every sub-item's result and artifacts; its result is now the goal's.
        Assert.All(subItems, s => Assert.Contains($"## {s.Title}", consolidation.Description, StringComparison.Ordinal));
        Assert.Contains("### Artifact: add-the-export-endpoint.md", consolidation.Description, StringComparison.Ordinal);
        var goalResult = inReview.Result!.Value;
        Assert.Equal(consolidation.Result!.Value.GetProperty("summary").GetString(), goalResult.GetProperty("summary").GetString());
        Assert.Equal("writer finished \"Write up: Let customers export their invoices\".", goalResult.GetProperty("summary").GetString());
        Assert.NotEqual(0, goalResult.GetProperty("artifacts").GetArrayLength());
        var events = await scenario.Human.GetEventsAsync(goal.Id);
        Assert.Contains(events, e => e.Type == "goal.planned");
        Assert.Contains(events, e => e.Type == "goal.consolidated");
    }

    [Fact]
    public async Task A_plan_with_a_cycle_or_too_many_items_is_refused_whole_with_a_clear_error()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Planner with { Name = "hand-planner" });
        var planner = scenario.AgentClient(registration.ApiKey);
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Move the office", Kind: WorkItemKinds.Goal));
        var offered = await Eventually.ReachAsync(async () =>
            {
                await planner.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
                return await planner.PullWorkAsync(registration.AgentId, waitSeconds: 1);
            }, w => w is not null, "the goal's offer to the planner", Deadline);
        await planner.AcceptAsync(goal.Id);

        var cycle = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(goal.Id, new Plan(
        [
            new PlanItem("pack", "Pack", DependsOn: ["book"]),
            new PlanItem("book", "Book the van", DependsOn: ["move"]),
            new PlanItem("move", "Move", DependsOn: ["pack"]),
        ])));
        var tooMany = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(goal.Id,
            new Plan(Enumerable.Range(1, 51).Select(i => new PlanItem($"box-{i}", $"Carry box {i}")).ToList())));

        Assert.Equal(goal.Id, offered!.Id);
        Assert.Equal(WorkItemKinds.Goal, offered.Kind);
        var cycleProblem = Assert.IsType<ClawApiException>(cycle);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cycleProblem.StatusCode);
        Assert.Contains("cycle", cycleProblem.Problem?.Detail, StringComparison.Ordinal);
        var tooManyProblem = Assert.IsType<ClawApiException>(tooMany);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooManyProblem.StatusCode);
        Assert.Contains("at most 50", tooManyProblem.Problem?.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id), w => w.ParentId == goal.Id);
        var unchanged = await scenario.Human.GetWorkItemAsync(goal.Id);
        Assert.Equal(WorkItemStates.InProgress, unchanged.State);
        Assert.Equal(registration.AgentId, unchanged.Assignee?.Id);
    }

    [Fact]
    public async Task A_plan_awaiting_approval_creates_nothing_until_a_person_approves_it_and_a_rejection_sends_the_goal_back()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        await scenario.Human.SendAsync(HttpMethod.Patch, $"api/v1/groups/{scenario.Group.Id}", new { requirePlanApproval = true });
        var planner = await scenario.StartAgentAsync("planner", SkillProfiles.Planner, AgentDelivery.Pull, AgentBehaviour.Planner());
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Hire a designer", Kind: WorkItemKinds.Goal));
        await Eventually.ReachAsync(() => Task.FromResult(planner.Observed.Planned.Count), n => n == 1, "the first plan", Deadline);
        var waiting = await scenario.Human.GetWorkItemAsync(goal.Id);
        var createdBeforeApproval = (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).Count(w => w.ParentId == goal.Id);

        var rejected = await scenario.Human.RejectPlanAsync(goal.Id, "Start with the budget");
        await Eventually.ReachAsync(() => Task.FromResult(planner.Observed.Planned.Count), n => n == 2, "the second plan", Deadline);
        var approved = await scenario.Human.ApprovePlanAsync(goal.Id, new Plan(
        [
            new PlanItem("budget", "Agree the budget"),
            new PlanItem("post", "Post the job", DependsOn: ["budget"]),
        ]));

        Assert.Equal(WorkItemStates.Backlog, waiting.State);
        // Waiting for approval, the goal holds nothing of its planner's.
        Assert.All(waiting.Assignments, x => Assert.NotNull(x.EndedAt));
        Assert.Equal(0, createdBeforeApproval);
        Assert.Equal("rejected", rejected.State);
        Assert.Equal("approved", approved.State);
        Assert.Equal(["Agree the budget", "Post the job"], approved.WorkItems.Select(w => w.Title));
        Assert.Equal([WorkItemStates.Ready, WorkItemStates.Backlog], approved.WorkItems.Select(w => w.State));
        Assert.Equal(approved.WorkItems[0].Id, Assert.Single(approved.WorkItems[1].DependsOn));
        var created = (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).Where(w => w.ParentId == goal.Id).ToList();
        Assert.Equal(2, created.Count);
        var events = (await scenario.Human.GetEventsAsync(goal.Id)).Select(e => e.Type).ToList();
        Assert.Equal(2, events.Count(t => t == "goal.planned"));
        Assert.Contains("goal.planRejected", events);
        Assert.Contains("goal.planApproved", events);
    }

    private static void AssertRanAfter(WorkItem dependent, WorkItem dependency)
    {
        var finished = dependency.Assignments.Where(a => a.Outcome == "completed").Max(a => a.EndedAt);
        var offered = dependent.Assignments.Min(a => a.StartedAt);
        Assert.True(offered >= finished, $"'{dependent.Title}' was offered at {offered:O}, before '{dependency.Title}' was done at {finished:O}.");
    }
}
