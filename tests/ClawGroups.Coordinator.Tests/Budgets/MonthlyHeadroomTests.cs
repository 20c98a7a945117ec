using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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

    [Theory]
    [InlineData(0.10, 0.30, 0.30, null, 0.20)] // under the average: the rest of a typical run
    [InlineData(0.00, 0.30, 0.30, null, 0.30)]
    [InlineData(0.40, 0.30, 0.30, null, 0.40)] // past the average: as much again…
    [InlineData(0.40, 0.30, 1.00, null, 0.60)] // …or up to the costliest finished run, if that is more
    [InlineData(0.10, 0.30, 1.00, null, 0.20)] // (a run under the average is not weighed against the costliest)
    [InlineData(0.40, 0.30, 0.30, 0.50, 0.10)] // …but no further than the item's cap
    [InlineData(0.40, 0.30, 1.00, 0.50, 0.10)]
    [InlineData(0.60, 0.30, 0.30, 0.50, 0.00)] // a run past its cap is stopped: nothing more
    [InlineData(0.10, 0.30, 0.30, 0.15, 0.05)]
    public void A_run_in_flight_is_expected_to_finish_a_typical_run_or_if_past_one_to_spend_like_the_costliest_up_to_its_cap(
        double reported, double typical, double costliest, double? itemCap, double expected)
        => Assert.Equal((decimal)expected, MonthlyHeadroom.StillToSpend((decimal)reported, (decimal)typical, (decimal)costliest, (decimal?)itemCap));

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_run_past_the_average_holds_back_as_much_again_as_it_spent_up_to_its_items_cap(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("looper", 5);
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 2.00m, perItemUsd: null);
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.20m, ended: true, title: "Add an index");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.60m, ended: false, title: "Loop on the logs");

        // Spent $0.80 and the run under way expected to spend $0.60 more: $0.60 left pays for three runs of $0.20.
        Assert.Equal(3, await OffersAsync(database, group.GroupId));

        // With a per-item cap of $0.70 the looping run can spend only $0.10 more: $1.10 left pays for five.
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 2.00m, perItemUsd: 0.70m);
        Assert.Equal(5, await OffersAsync(database, group.GroupId));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_run_past_the_average_holds_back_up_to_the_costliest_finished_run(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("looper", 5);
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 10.00m, perItemUsd: null);
        foreach (var (title, cost) in new[] { ("Add an index", 0.10m), ("Rotate the logs", 0.10m), ("Trim the image", 0.10m), ("Loop on the cache", 1.30m) })
        {
            await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, cost, ended: true, title: title);
        }

        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.50m, ended: false, title: "Loop on the logs");

        // A run costs $0.40 on average and $1.30 at most; the one under way has reported $0.50, past the average, so it is
        // expected to go the costliest run's way: $0.80 more, not $0.50. $10 − $2.10 spent − $0.80 leaves $7.10.
        var typical = RunCost.Of(4, 1.60, 0.01 + 0.01 + 0.01 + 1.69, 1.30)!;
        Assert.Equal(typical.Affordable(7.10m, 1), await OffersAsync(database, group.GroupId));
        Assert.NotEqual(typical.Affordable(7.60m, 1), typical.Affordable(7.10m, 1));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_run_is_expected_to_cost_the_dearer_of_the_runs_that_delivered_and_all_the_runs_that_ended(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("flaky", 5);
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 0.99m, perItemUsd: null);
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.02m, ended: true, title: "Add an index", endedAs: AssignmentOutcome.Stalled);
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.02m, ended: true, title: "Rotate the logs", endedAs: AssignmentOutcome.Failed);

        // Only runs that stopped part-way at $0.02: they are all there is to go by. $0.95 left pays for 47 of them.
        Assert.Equal(47, await OffersAsync(database, group.GroupId));

        // A run delivered at $0.20: the next runs are expected to cost what delivering costs, not the cheap ends'. The spread
        // is the wider of the two sets' (all three runs: $0.08 ± $0.085), so $0.75 pays for fewer than three.
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.20m, ended: true, title: "Trim the image");
        var delivered = RunCost.Of(1, 0.20, 0.04, 0.20)!;
        var all = RunCost.Of(3, 0.24, 0.0408, 0.20)!;
        Assert.Equal(new RunCost(0.20, all.Deviation, 0.20).Affordable(0.75m, 0), await OffersAsync(database, group.GroupId));
        Assert.Equal(0.20, RunCost.Dearer(delivered, all)!.Mean, 12);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Loopers_stopped_at_their_cap_raise_what_a_run_is_expected_to_cost_though_they_never_deliver(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("looper", 5);
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 10.00m, perItemUsd: 0.50m);
        foreach (var title in new[] { "Add an index", "Rotate the logs", "Trim the image" })
        {
            await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.10m, ended: true, title: title);
        }

        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.50m, ended: true, title: "Loop on the cache", endedAs: AssignmentOutcome.Stalled);

        // Delivered: $0.10 each. All that ended: $0.20 ± $0.17. The dearer is taken: $10 − $0.80 spent pays for far fewer than 92.
        var all = RunCost.Of(4, 0.80, 0.03 + 0.25, 0.50)!;
        Assert.Equal(all.Affordable(9.20m, 0), await OffersAsync(database, group.GroupId));
        Assert.True(all.Affordable(9.20m, 0) < new RunCost(0.10, 0, 0.10).Affordable(9.20m, 0));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Before_any_run_has_finished_each_run_is_expected_to_cost_its_items_cap(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("first", 5);

        // No average yet and no per-item cap: nothing to expect from, so only the hard stop holds.
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 1.00m, perItemUsd: null);
        Assert.Null(await OffersAsync(database, group.GroupId));

        // A $0.25 cap: $1.00 pays for four runs that each spend their cap.
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 1.00m, perItemUsd: 0.25m);
        Assert.Equal(4, await OffersAsync(database, group.GroupId));

        // Two runs under way, one having reported $0.10: $0.10 spent, $0.15 + $0.25 still to spend, $0.50 left pays for two.
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.10m, ended: false, title: "Rotate the logs");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0m, ended: false, title: "Trim the image");
        Assert.Equal(2, await OffersAsync(database, group.GroupId));

        // Once a run has finished, its cost is the expectation again: $0.05 a run.
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.05m, ended: true, title: "Add an index");
        // Spent $0.15; still to spend $0.10 (past the average: as much again) and $0.05: $0.70 left pays for fourteen.
        Assert.Equal(14, await OffersAsync(database, group.GroupId));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task The_average_run_is_taken_over_runs_that_spent_and_a_margin_is_kept_for_their_spread(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("mixed", 5);
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 10.00m, perItemUsd: null);

        // Runs of $0.10 and $0.30 and one that failed silently at $0: a spending run costs $0.20, give or take $0.10.
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.10m, ended: true, title: "Add an index");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.30m, ended: true, title: "Rotate the logs");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0m, ended: true, title: "Trim the image");

        // $9.60 left at $0.20 a run would be 48 runs; keeping back 3 × $0.10 × √n leaves fewer, as RunCost works them out.
        var offers = await OffersAsync(database, group.GroupId);
        Assert.Equal(new RunCost(0.20, 0.10, 0.30).Affordable(9.60m, 0), offers);
        Assert.InRange(offers!.Value, 30, 47);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_run_that_ends_while_the_headroom_is_read_is_not_left_out_of_both_the_spend_and_the_runs_in_flight(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("spender", 5);
        await SetBudgetsAsync(database, group.GroupId, monthlyUsd: 1.00m, perItemUsd: null);
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.30m, ended: true, title: "Add an index");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0.30m, ended: true, title: "Add a health endpoint");
        await AddAttemptAsync(database, group, agent.Id, AssignmentRole.Work, 0m, ended: false, title: "Rotate the logs");

        // The run under way delivers its $0.30 result just after the first of the headroom's reads of the attempts: $0.90
        // spent, nothing under way, and $0.10 does not pay for a $0.30 run, whichever of the two reads saw the run.
        var ending = new EndsTheRunAfterTheFirstRead(database, group.GroupId);
        await using var context = new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(ending).Options);
        var offers = await MonthlyHeadroom.OffersAsync(context, group.GroupId, Now, CancellationToken.None);

        Assert.True(ending.Ended);
        Assert.Equal(0, offers);
    }

    /// <summary>Ends the group's run in flight with a $0.30 result once the first read of its attempts has been made.</summary>
    private sealed class EndsTheRunAfterTheFirstRead(TestDatabase database, Guid groupId) : DbCommandInterceptor
    {
        public bool Ended { get; private set; }

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(
            System.Data.Common.DbCommand command, CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (!Ended && command.CommandText.Contains("Assignments", StringComparison.Ordinal))
            {
                Ended = true;
                await using var other = database.NewContext();
                var run = await other.Assignments.SingleAsync(a => a.GroupId == groupId && a.EndedAt == null, cancellationToken);
                (run.EndedAt, run.Outcome, run.Usage.CostUsd) = (Now, AssignmentOutcome.Completed, 0.30m);
                await other.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
    }

    private static async Task SetBudgetsAsync(TestDatabase database, Guid groupId, decimal monthlyUsd, decimal? perItemUsd)
    {
        await using var setup = database.NewContext();
        var stored = await setup.Groups.SingleAsync(g => g.Id == groupId);
        stored.Budgets.MonthlyUsd = monthlyUsd;
        stored.Budgets.PerItemUsd = perItemUsd;
        await setup.SaveChangesAsync();
    }

    private static async Task<int?> OffersAsync(TestDatabase database, Guid groupId)
    {
        await using var context = database.NewContext();
        return await MonthlyHeadroom.OffersAsync(context, groupId, Now, CancellationToken.None);
    }

    private static async Task AddAttemptAsync(
        TestDatabase database, PassGroup group, Guid agentId, AssignmentRole role, decimal cost, bool ended, string title, DateTimeOffset? offeredAt = null,
        AssignmentOutcome endedAs = AssignmentOutcome.Completed)
    {
        var item = await group.AddItemAsync(title);
        await using var context = database.NewContext();
        var at = offeredAt ?? Now.AddMinutes(-1);
        context.Assignments.Add(new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.GroupId, MemberKind = MemberKind.Agent, AgentId = agentId,
            Attempt = 1, Role = role, OfferedAt = at, EndedAt = ended ? at : null, Outcome = ended ? endedAs : AssignmentOutcome.Active, Usage = { CostUsd = cost },
        });
        await context.SaveChangesAsync();
    }
}
