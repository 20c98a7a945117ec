using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Budgets;

/// <summary>
/// A month holds to its budget with runs under way (Coordinator/Budgets/MonthlyHeadroom.cs), on PostgreSQL over real HTTP:
/// the coordinator offers only as much work as the rest of the month pays for at the month's average cost of a run, counting
/// the runs in flight, and offers again once the budget is raised.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class MonthlyHeadroomTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Offers_stop_where_the_runs_under_way_would_spend_the_rest_of_the_month()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await BudgetAgent.PatchBudgetsAsync(scenario, new { monthlyUsd = 1.0 });
        var agent = await BudgetAgent.RegisterAsync(scenario, "spender", capacity: 5);
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        await agent.TakeNextAsync();
        await agent.FinishAsync(first.Id, costUsd: 0.30m);

        // $0.30 spent, a run costs $0.30 on average: $0.70 left pays for two more runs, not five.
        var waiting = new List<string>();
        foreach (var title in new[] { "Add a health endpoint", "Rotate the log files", "Cache the price list", "Trim the docker image", "Index the audit log" })
        {
            waiting.Add((await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem(title))).Id);
        }

        await RunPassAsync(scenario.Group.Id);
        var offered = await Eventually.ReachAsync(() => OfferedAsync(scenario, waiting), ids => ids.Count == 2, "two of the five items to be offered", Deadline);
        // While those two run, their expected cost is spoken for: the month is not over its budget, yet nothing more is offered.
        Assert.Equal(0, await RunPassAsync(scenario.Group.Id));
        Assert.Equal(offered, await OfferedAsync(scenario, waiting));

        foreach (var id in offered)
        {
            await agent.Api.AcceptAsync(id);
            await agent.FinishAsync(id, costUsd: 0.30m);
        }

        // $0.90 spent and nothing under way: $0.10 left does not pay for a $0.30 run.
        Assert.Equal(0, await RunPassAsync(scenario.Group.Id));
        Assert.Empty((await OfferedAsync(scenario, waiting)).Except(offered));

        await BudgetAgent.PatchBudgetsAsync(scenario, new { monthlyUsd = 2.0 });

        // $1.10 left pays for three more runs: all that still waits.
        await Eventually.ReachAsync(() => OfferedAsync(scenario, waiting), ids => ids.Count == 5, "the other three items to be offered once the budget is raised", Deadline);
    }

    /// <summary>Which of the items have been offered (they are no longer ready).</summary>
    private static async Task<List<string>> OfferedAsync(ApiScenario scenario, IEnumerable<string> ids)
    {
        var offered = new List<string>();
        foreach (var id in ids)
        {
            if ((await scenario.Human.GetWorkItemAsync(id)).State != WorkItemStates.Ready)
            {
                offered.Add(id);
            }
        }

        return offered;
    }

    private async Task<int> RunPassAsync(string groupId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(Guid.Parse(groupId), CancellationToken.None);
    }
}
