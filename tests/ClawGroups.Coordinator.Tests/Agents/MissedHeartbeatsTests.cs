using ClawGroups.Coordinator.Agents;

namespace ClawGroups.Coordinator.Tests.Agents;

public sealed class MissedHeartbeatsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 16, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, false)]
    [InlineData(45, false)]
    [InlineData(59, false)]
    [InlineData(60, true)]
    [InlineData(89, true)]
    public void An_agent_is_warned_about_after_two_missed_heartbeats(int silentSeconds, bool warned)
        => Assert.Equal(warned, MissedHeartbeats.Warns(Now.AddSeconds(-silentSeconds), Now, Interval));

    [Fact]
    public void An_agent_never_heard_from_is_not_warned_about()
        => Assert.False(MissedHeartbeats.Warns(null, Now, Interval));

    [Theory]
    [InlineData(30, 15)]
    [InlineData(600, 15)]
    [InlineData(1, 0.5)]
    public void Boards_hear_of_heartbeats_twice_per_interval_but_no_more_than_every_15_seconds(int intervalSeconds, double shownEverySeconds)
        => Assert.Equal(TimeSpan.FromSeconds(shownEverySeconds), MissedHeartbeats.ShownEvery(TimeSpan.FromSeconds(intervalSeconds)));
}
