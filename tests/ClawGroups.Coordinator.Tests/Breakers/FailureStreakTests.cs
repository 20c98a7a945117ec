using ClawGroups.Coordinator.Breakers;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.Breakers;

/// <summary>The failure breaker read from how an agent's attempts ended: trip, doubling cool-down, half-open, release.</summary>
public sealed class FailureStreakTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly BreakerOptions Options = new() { FailureStreak = 3, CooldownSeconds = 60, MaxCooldownSeconds = 200 };

    [Fact]
    public void Fewer_failures_in_a_row_than_the_streak_leave_the_breaker_closed()
        => Assert.Null(FailureStreak.Read(Guid.Empty, Endings(AssignmentOutcome.Stalled, AssignmentOutcome.Rejected), Options));

    [Fact]
    public void The_streaks_failure_trips_it_for_one_cool_down_from_the_last_failure()
    {
        var breaker = FailureStreak.Read(Guid.Empty, Endings(AssignmentOutcome.Stalled, AssignmentOutcome.Rejected, AssignmentOutcome.Failed), Options)!;

        Assert.Equal(1, breaker.Trips);
        Assert.Equal(Start.AddMinutes(2).AddSeconds(60), breaker.CoolingUntil);
        Assert.True(breaker.Cooling(breaker.CoolingUntil.AddSeconds(-1)));
        Assert.False(breaker.Cooling(breaker.CoolingUntil), "half-open once the cool-down is over");
    }

    [Fact]
    public void Each_failed_trial_doubles_the_cool_down_up_to_the_most()
    {
        var twice = FailureStreak.Read(Guid.Empty, Endings(Enumerable.Repeat(AssignmentOutcome.Stalled, 4).ToArray()), Options)!;
        var often = FailureStreak.Read(Guid.Empty, Endings(Enumerable.Repeat(AssignmentOutcome.Stalled, 9).ToArray()), Options)!;

        Assert.Equal(TimeSpan.FromSeconds(120), twice.CoolingUntil - Start.AddMinutes(3));
        Assert.Equal(TimeSpan.FromSeconds(200), often.CoolingUntil - Start.AddMinutes(8));
    }

    [Fact]
    public void A_completed_attempt_closes_it_and_other_endings_neither_count_nor_break_the_streak()
    {
        Assert.Null(FailureStreak.Read(Guid.Empty,
            Endings(AssignmentOutcome.Stalled, AssignmentOutcome.Stalled, AssignmentOutcome.Stalled, AssignmentOutcome.Completed), Options));
        Assert.NotNull(FailureStreak.Read(Guid.Empty,
            Endings(AssignmentOutcome.Stalled, AssignmentOutcome.Declined, AssignmentOutcome.Cancelled, AssignmentOutcome.Stalled, AssignmentOutcome.Rejected), Options));
    }

    /// <summary>Endings a minute apart, oldest first.</summary>
    private static List<(DateTimeOffset, AssignmentOutcome)> Endings(params AssignmentOutcome[] outcomes)
        => outcomes.Select((o, i) => (Start.AddMinutes(i), o)).ToList();
}
