using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Budgets;

/// <summary>The month's headroom read from the attempts themselves, on both databases (SQLite is the embedded default).</summary>
public sealed class MonthlyHeadroomTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Offers_left_count_every_spend_of_the_month_and_reserve_each_run_in_flight_at_the_average_finished_run(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("spender", 5);
        await using (var setup = database.NewContext())
        {
            var stored = await setup.Groups.SingleAsync(g => g.Id == group.GroupId);
            stored.Budgets.MonthlyUsd = 1.00m;
            await setup.SaveChangesAsync();
        }

        Assert.Null(await OffersAsync(database, group.GroupId));

        // Spent $0.45 (a finished run $0.30, a review $0.05, a run under way $0.10); a finished run costs $0.30, so the run
        // under way is expected to spend $0.20 more: $0.35 left pays for one more run.
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.30m, ended: true, title: "a long-ago month", offeredAt: Now.AddMonths(-2));
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.30m, ended: true, title: "Add an index");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Review, 0.05m, ended: true, title: "Review the index");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.10m, ended: false, title: "Rotate the logs");

        Assert.Equal(1, await OffersAsync(database, group.GroupId));

        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0m, ended: false, title: "Trim the image");

        Assert.Equal(0, await OffersAsync(database, group.GroupId));
    }

    private static async Task<int?> OffersAsync(TestDatabase database, Guid groupId)
    {
        await using var context = database.NewContext();
        return await MonthlyHeadroom.OffersAsync(context, groupId, Now, CancellationToken.None);
    }

    private static async Task AddAttemptAsync(
        TestDatabase database, PassGroup group, Guid agentId, AssignmentRole role, decimal cost, bool ended, string title, DateTimeOffset? offeredAt = null)
    {
        var item = await group.AddItemAsync(title);
        await using var context = database.NewContext();
        var at = offeredAt ?? Now.AddMinutes(-1);
        context.Assignments.Add(new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.GroupId, MemberKind = MemberKind.Agent, AgentId = agentId,
            Attempt = 1, Role = role, OfferedAt = at, EndedAt = ended ? at : null, Usage = new Usage { CostUsd = cost },
        });
        await context.SaveChangesAsync();
    }
}
