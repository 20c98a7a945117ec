using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using ClawGroups.Data.Database;
using ClawGroups.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Budgets;

/// <summary>
/// The creation breaker of decision 0028 on PostgreSQL over real HTTP: a planner agent creating work faster than the limit
/// is refused 429 with <c>Retry-After</c>, a plan repeating open work (or itself) is refused 409 naming the item; nothing of
/// a refused plan is created, and the refusal is flagged on the trail.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class CreationBreakerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:Breakers:MaxItemsCreatedPerHour"] = "3",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_planner_under_the_limit_plans_and_one_over_it_gets_429_with_retry_after_and_nothing_is_created()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (planner, plannerId) = await RegisterPlannerAsync(scenario, capacity: 2);
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Launch the pricing page", Kind: WorkItemKinds.Goal));
        var second = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Move the office", Kind: WorkItemKinds.Goal));
        await TakeGoalsAsync(planner, plannerId, first.Id, second.Id);

        await planner.SubmitPlanAsync(first.Id, new Plan(
        [
            new PlanItem("copy", "Write the pricing copy", RequiredSkills: ["backend"]),
            new PlanItem("page", "Build the pricing page", RequiredSkills: ["backend"], DependsOn: ["copy"]),
        ]));
        var refused = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(second.Id, new Plan(
        [
            new PlanItem("pack", "Pack the boxes", RequiredSkills: ["backend"]),
            new PlanItem("van", "Book the van", RequiredSkills: ["backend"]),
        ])));

        var items = await scenario.Human.ListWorkItemsAsync(scenario.Group.Id);
        Assert.Equal(2, items.Count(w => w.ParentId == first.Id));
        var problem = Assert.IsType<ClawApiException>(refused);
        Assert.Equal(HttpStatusCode.TooManyRequests, problem.StatusCode);
        Assert.InRange(problem.RetryAfter!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal((int)problem.RetryAfter.Value.TotalSeconds, problem.Problem!.Extensions["retryAfter"].GetInt32());
        Assert.Contains("limit of 3 an hour", problem.Problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(items, w => w.ParentId == second.Id);
        var unchanged = await scenario.Human.GetWorkItemAsync(second.Id);
        Assert.Equal(WorkItemStates.InProgress, unchanged.State);
        Assert.Equal(plannerId, unchanged.Assignee?.Id);
        var flag = Assert.Single(await TripsAsync(scenario, second.Id));
        Assert.Equal("creationRate", flag.GetProperty("reason").GetString());
        Assert.Equal(plannerId, flag.GetProperty("agentId").GetString());
    }

    [Fact]
    public async Task A_plan_refused_for_the_rate_fits_once_retry_after_has_passed_and_not_a_minute_before()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (planner, plannerId) = await RegisterPlannerAsync(scenario, capacity: 2);
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Launch the pricing page", Kind: WorkItemKinds.Goal));
        var second = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Move the office", Kind: WorkItemKinds.Goal));
        await TakeGoalsAsync(planner, plannerId, first.Id, second.Id);
        await planner.SubmitPlanAsync(first.Id, new Plan(
        [
            new PlanItem("copy", "Write the pricing copy", RequiredSkills: ["backend"]),
            new PlanItem("page", "Build the pricing page", RequiredSkills: ["backend"]),
        ]));
        var officePlan = new Plan([new PlanItem("pack", "Pack the boxes", RequiredSkills: ["backend"]), new PlanItem("van", "Book the van", RequiredSkills: ["backend"])]);
        // The planner retries the same request under the same Idempotency-Key, as a careful client does.
        const string key = "office-plan";
        var retryAfter = Assert.IsType<ClawApiException>(await Record.ExceptionAsync(() => planner.SubmitPlanAsync(second.Id, officePlan, key))).RetryAfter!.Value;

        // Time passes, compressed: the first plan's items age by all but a minute of the wait, then by the rest of it.
        await AgeItemsAsync(first.Id, retryAfter - TimeSpan.FromMinutes(1));
        var tooSoon = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(second.Id, officePlan, key));
        await AgeItemsAsync(first.Id, TimeSpan.FromMinutes(1));
        await planner.SubmitPlanAsync(second.Id, officePlan, key);

        Assert.Equal(HttpStatusCode.TooManyRequests, Assert.IsType<ClawApiException>(tooSoon).StatusCode);
        Assert.Equal(2, (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).Count(w => w.ParentId == second.Id));
    }

    [Fact]
    public async Task A_plan_repeating_an_open_item_or_itself_gets_409_naming_the_item_and_nothing_is_created()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (planner, plannerId) = await RegisterPlannerAsync(scenario, capacity: 1);
        var existing = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id,
            new CreateWorkItem("Add the CSV export endpoint", RequiredSkills: ["backend"]));
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Let customers export invoices", Kind: WorkItemKinds.Goal));
        await TakeGoalsAsync(planner, plannerId, goal.Id);

        var repeatsOpenWork = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(goal.Id, new Plan(
        [
            new PlanItem("notes", "Write the release notes", RequiredSkills: ["backend"]),
            new PlanItem("api", "add the CSV-export endpoint!", RequiredSkills: ["backend"]),
        ])));
        var repeatsItself = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(goal.Id, new Plan(
        [
            new PlanItem("notes", "Write the release notes", RequiredSkills: ["backend"]),
            new PlanItem("notes-again", "Write the release notes.", RequiredSkills: ["backend"]),
        ])));

        var openWork = Assert.IsType<ClawApiException>(repeatsOpenWork);
        Assert.Equal(HttpStatusCode.Conflict, openWork.StatusCode);
        var errors = openWork.Problem!.Extensions["errors"];
        Assert.Equal(["items[1].title"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains(existing.Id, errors.GetProperty("items[1].title")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(existing.Id, openWork.Problem.Extensions["duplicates"][0].GetProperty("workItemId").GetString());
        var itself = Assert.IsType<ClawApiException>(repeatsItself);
        Assert.Equal(HttpStatusCode.Conflict, itself.StatusCode);
        Assert.Equal("items[0]", itself.Problem!.Extensions["duplicates"][0].GetProperty("planItem").GetString());
        Assert.True(itself.Problem.Extensions["errors"].TryGetProperty("items[1].title", out _));
        Assert.DoesNotContain(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id), w => w.ParentId == goal.Id);
        Assert.Equal(WorkItemStates.InProgress, (await scenario.Human.GetWorkItemAsync(goal.Id)).State);
        // Flagged once, however often the planner repeats itself in a short while.
        var flag = Assert.Single(await TripsAsync(scenario, goal.Id));
        Assert.Equal("duplicateWork", flag.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_plan_refused_as_a_duplicate_passes_once_the_open_item_it_repeated_is_cancelled()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (planner, plannerId) = await RegisterPlannerAsync(scenario, capacity: 1);
        var existing = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id,
            new CreateWorkItem("Add the CSV export endpoint", RequiredSkills: ["backend"]));
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Let customers export invoices", Kind: WorkItemKinds.Goal));
        await TakeGoalsAsync(planner, plannerId, goal.Id);
        var plan = new Plan([new PlanItem("api", "Add the CSV export endpoint", RequiredSkills: ["backend"])]);
        var refused = await Record.ExceptionAsync(() => planner.SubmitPlanAsync(goal.Id, plan));

        await scenario.Human.CancelAsync(existing.Id);
        await planner.SubmitPlanAsync(goal.Id, plan);

        Assert.Equal(HttpStatusCode.Conflict, Assert.IsType<ClawApiException>(refused).StatusCode);
        Assert.Single(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id), w => w.ParentId == goal.Id);
    }

    private static async Task<(ClawApiClient Planner, string Id)> RegisterPlannerAsync(ApiScenario scenario, int capacity)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token,
            SkillProfiles.Planner with { Name = "hand-planner", Delivery = AgentDelivery.Pull, Capacity = capacity });
        return (scenario.AgentClient(registration.ApiKey), registration.AgentId);
    }

    /// <summary>Pulls until each goal has been offered, accepting each.</summary>
    private static async Task TakeGoalsAsync(ClawApiClient planner, string plannerId, params string[] goalIds)
    {
        var taken = new HashSet<string>();
        await Eventually.ReachAsync(async () =>
        {
            await planner.HeartbeatAsync(plannerId, new Heartbeat(HeartbeatStatus.Idle));
            if (await planner.PullWorkAsync(plannerId, waitSeconds: 1) is { } offered && goalIds.Contains(offered.Id) && taken.Add(offered.Id))
            {
                await planner.AcceptAsync(offered.Id);
            }

            return taken.Count;
        }, n => n == goalIds.Length, "the goals' offers to the planner", Deadline);
    }

    /// <summary>Moves the creation time of a goal's sub-items back, as if that much time had passed since they were created.</summary>
    private async Task AgeItemsAsync(string goalId, TimeSpan by)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        // One by one with a set-based update: the assignment pass may be offering these items meanwhile.
        foreach (var item in await context.WorkItems.AsNoTracking().Where(w => w.ParentId == Guid.Parse(goalId)).Select(w => new { w.Id, w.CreatedAt }).ToListAsync())
        {
            await context.WorkItems.Where(w => w.Id == item.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.CreatedAt, item.CreatedAt - by));
        }
    }

    private static async Task<List<JsonElement>> TripsAsync(ApiScenario scenario, string goalId)
        => (await scenario.Human.GetEventsAsync(goalId)).Where(e => e.Type == "breaker.tripped").Select(e => e.Data!.Value).ToList();
}
