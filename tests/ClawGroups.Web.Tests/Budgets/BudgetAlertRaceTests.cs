using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Budgets;
using ClawGroups.Data.Budgets;
using ClawGroups.Data.Database;
using ClawGroups.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Budgets;

/// <summary>
/// Two usage reports crossing the same budget line at the same moment: the warning is raised once, both
/// reports are saved, and nothing is logged as an error (the duplicate alert is expected, not a failure).
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class BudgetAlertRaceTests
{
    private ClawAppFactory _app = null!;

    // SQLite too: the insert that keeps the alert single is written by hand, and must store ids and times as EF does.
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Two_reports_crossing_the_same_line_at_once_raise_one_warning_and_log_no_error(DatabaseProvider provider)
    {
        await using var app = _app = await ClawAppFactory.StartOnLoopbackAsync(provider: provider);
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await BudgetAgent.RegisterAsync(scenario, "spender", capacity: 2);
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        var second = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a health endpoint to the API"));
        await agent.TakeNextAsync();
        await agent.TakeNextAsync();
        await BudgetAgent.PatchBudgetsAsync(scenario, new { monthlyUsd = 10 });
        var mark = _app.ErrorLog.Mark;

        // Each report alone takes the month past 80 %, and neither sees the other's uncommitted usage.
        await using var one = await ReportAsync(first.Id, 8.5m);
        await using var other = await ReportAsync(second.Id, 8.5m);
        var saves = await Record.ExceptionAsync(() => Task.WhenAll(one.Gate.SaveAsync(CancellationToken.None), other.Gate.SaveAsync(CancellationToken.None)));

        Assert.Null(saves);
        await using var scope = _app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        var groupId = Guid.Parse(scenario.Group.Id);
        Assert.Equal(1, await context.BudgetAlerts.CountAsync(a => a.GroupId == groupId && a.Level == BudgetAlertLevel.Warning));
        Assert.Single(await BudgetAgent.EventDataAsync(_app, scenario.Group.Id, "budget.warning"));
        var spent = await context.Assignments.Where(a => a.GroupId == groupId).SumAsync(a => a.UsageCostUsd);
        Assert.Equal(17m, spent);
        Assert.Empty(_app.ErrorLog.Since(mark));
    }

    /// <summary>A report's unit of work up to its save: the attempt's usage applied and weighed by the gate.</summary>
    private async Task<PendingReport> ReportAsync(string workItemId, decimal costUsd)
    {
        var scope = _app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<BudgetGate>();
        var item = await context.WorkItems.Include(w => w.Assignments).SingleAsync(w => w.Id == Guid.Parse(workItemId));
        var attempt = item.Assignments.Single(a => a.Id == item.CurrentAssignmentId);
        attempt.Usage.CostUsd = costUsd;
        item.Usage.CostUsd = costUsd;
        await gate.AfterUsageAsync(item, attempt, CancellationToken.None);
        return new PendingReport(scope, gate);
    }

    private sealed record PendingReport(AsyncServiceScope Scope, BudgetGate Gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Scope.DisposeAsync();
    }
}
