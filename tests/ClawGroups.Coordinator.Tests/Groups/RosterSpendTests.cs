using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Tests.Insights;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;

namespace ClawGroups.Coordinator.Tests.Groups;

/// <summary>
/// The roster's cost per accepted result (issue 15, decision 0028): everything an agent spent on its finished work attempts,
/// the rejected and stalled ones included, divided by the results that were accepted.
/// </summary>
public sealed class RosterSpendTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 30, 0, TimeSpan.Zero);

    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Failed_attempts_are_paid_for_by_the_accepted_results_and_reviews_and_running_work_are_left_out(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId, zedId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "roster", Now);
            var zed = history.Agent("zed");
            var other = history.Agent("other");
            history.Spent(history.Item("accepted once"), zed, Now.AddDays(-3), 2m);
            history.Spent(history.Item("accepted twice"), zed, Now.AddDays(-2), 3m);
            history.Spent(history.Item("rejected"), zed, Now.AddDays(-2), 4m, AssignmentOutcome.Rejected);
            history.Spent(history.Item("stalled"), zed, Now.AddDays(-1), 1m, AssignmentOutcome.Stalled);
            // Neither counts: a review is not zed's own result, and a running attempt has not spent all it will.
            var reviewed = history.Item("other's result");
            history.Spent(reviewed, other, Now.AddDays(-1), 1m);
            history.Spent(reviewed, zed, Now.AddHours(-20), 0.5m, role: AssignmentRole.Review);
            history.Spent(history.Item("running"), zed, Now.AddHours(-1), 0.7m, AssignmentOutcome.Active);
            await context.SaveChangesAsync();
            (groupId, zedId) = (history.GroupId, zed.Id);
        }

        var roster = await RosterAsync(database, groupId);

        // (2 + 3 + 4 + 1) / 2 accepted.
        Assert.Equal(5m, roster.Single(m => m.Id == zedId).CostPerAcceptedResult);
        Assert.Equal(new TrackRecordView(2, 1, 1, 0), roster.Single(m => m.Id == zedId).TrackRecord);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Without_an_accepted_result_there_is_no_cost_per_result_and_free_results_cost_nothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "roster", Now);
            history.Spent(history.Item("rejected"), history.Agent("unlucky"), Now.AddDays(-1), 4m, AssignmentOutcome.Rejected);
            history.Agent("newcomer");
            history.Spent(history.Item("local"), history.Agent("local"), Now.AddDays(-1), 0m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var roster = await RosterAsync(database, groupId);

        Assert.Equal(
            [("local", 0m), ("newcomer", null), ("unlucky", null)],
            roster.Select(m => (m.Name, m.CostPerAcceptedResult)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_figure_is_kept_to_four_places(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "roster", Now);
            var cheap = history.Agent("cheap");
            for (var i = 0; i < 3; i++)
            {
                history.Spent(history.Item($"small job {i}"), cheap, Now.AddHours(-i - 1), i == 0 ? 1m : 0m);
            }

            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var roster = await RosterAsync(database, groupId);

        Assert.Equal(0.3333m, Assert.Single(roster).CostPerAcceptedResult);
    }

    private static async Task<IReadOnlyList<MemberView>> RosterAsync(TestDatabase database, Guid groupId)
    {
        await using var context = database.NewContext();
        return await context.AgentsAsync(groupId, agentIds: null, CancellationToken.None, now: Now);
    }
}
