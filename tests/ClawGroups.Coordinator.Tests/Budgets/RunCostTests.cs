using ClawGroups.Coordinator.Budgets;

namespace ClawGroups.Coordinator.Tests.Budgets;

/// <summary>What a run costs, and how many runs a month's headroom pays for once the spread of their costs is kept back.</summary>
public sealed class RunCostTests
{
    [Fact]
    public void Mean_and_deviation_come_from_the_count_sum_and_sum_of_squares()
    {
        // Runs of $0.10, $0.20 and $0.30: mean $0.20, population deviation √(0.02 / 3).
        var cost = RunCost.Of(3, 0.60, 0.01 + 0.04 + 0.09, 0.30)!;

        Assert.Equal(0.20, cost.Mean, 12);
        Assert.Equal(Math.Sqrt(0.02 / 3), cost.Deviation, 12);
        Assert.Equal(0.30, cost.Costliest);
        Assert.Null(RunCost.Of(0, 0, 0, 0));
    }

    [Fact]
    public void Rounding_never_gives_runs_that_cost_the_same_a_spread()
    {
        Assert.Equal(0, RunCost.Of(3, 0.3, 0.0299999999999, 0.1)!.Deviation);
        Assert.Equal(0, RunCost.Of(2, 0.02 + 0.02, 0.0004 + 0.0004, 0.02)!.Deviation);
        Assert.Equal(0.1, RunCost.Of(2, 0.1 + 0.3, 0.01 + 0.09, 0.3)!.Deviation, 12); // a real spread is kept
    }

    [Fact]
    public void The_dearer_estimate_takes_the_larger_mean_spread_and_most_of_either()
    {
        Assert.Equal(new RunCost(0.20, 0.17, 0.50), RunCost.Dearer(new RunCost(0.10, 0.17, 0.15), new RunCost(0.20, 0.05, 0.50)));
        Assert.Equal(new RunCost(0.10, 0, 0.10), RunCost.Dearer(null, new RunCost(0.10, 0, 0.10)));
        Assert.Null(RunCost.Dearer(null, null));
    }

    [Theory]
    [InlineData(1.00, 0, 4)] // runs alike: the headroom over the mean
    [InlineData(0.99, 0, 3)]
    [InlineData(0.00, 0, 0)]
    [InlineData(-1.00, 0, 0)]
    public void With_no_spread_the_headroom_pays_for_whole_runs_at_the_mean(double headroom, int inFlight, int expected)
        => Assert.Equal(expected, new RunCost(0.25, 0, 0.25).Affordable((decimal)headroom, inFlight));

    [Fact]
    public void A_spread_keeps_back_three_deviations_of_the_sum_of_every_run_counted_on()
    {
        var cost = new RunCost(0.10, 0.03, 0.15);

        // Nothing under way, $10 left: n runs need 0.1 n + 0.09 √n ≤ 10: 91 runs need $9.96, 92 would need $10.06.
        var alone = cost.Affordable(10m, 0);
        Assert.Equal(91, alone);

        // With 300 runs under way (their mean cost already out of the headroom), their spread is kept back too: fewer new runs.
        var busy = cost.Affordable(10m, 300);
        Assert.True((busy * 0.10) + (3 * 0.03 * Math.Sqrt(300 + busy)) <= 10);
        Assert.True(((busy + 1) * 0.10) + (3 * 0.03 * Math.Sqrt(300 + busy + 1)) > 10);
        Assert.True(busy < alone);

        // Less headroom than the spread of the runs under way: nothing more is offered.
        Assert.Equal(0, cost.Affordable(1.5m, 300));
    }
}
