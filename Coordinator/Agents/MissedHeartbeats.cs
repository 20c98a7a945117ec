namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// When a silent agent is worth a warning: after <see cref="Warned"/> heartbeats missed at the expected interval
/// (<c>HeartbeatIntervalSeconds</c>), long before the heartbeat timeout stalls it. The card and the roster ask here.
/// </summary>
public static class MissedHeartbeats
{
    /// <summary>How many missed heartbeats make a warning: one can be a hiccup, two are a pattern.</summary>
    public const int Warned = 2;

    /// <summary>How often at most an unchanged agent's heartbeat reaches the live roster (see <see cref="ShownEvery"/>).</summary>
    private static readonly TimeSpan ShownAtMostEvery = TimeSpan.FromSeconds(15);

    /// <summary>Whole intervals passed since the last sign of life; 0 for an agent never heard from.</summary>
    public static int Count(DateTimeOffset? lastSign, DateTimeOffset now, TimeSpan interval)
        => lastSign is { } last && now > last && interval > TimeSpan.Zero ? (int)Math.Min(int.MaxValue, (now - last).Ticks / interval.Ticks) : 0;

    public static bool Warns(DateTimeOffset? lastSign, DateTimeOffset now, TimeSpan interval) => Count(lastSign, now, interval) >= Warned;

    /// <summary>
    /// How often an unchanged agent's heartbeat is pushed to the boards: no more often than every 15 s (hundreds of agents
    /// beating would otherwise flood every board), but at least twice per expected interval, so that a board's copy of the last
    /// heartbeat lags by at most one and a half intervals and a beating agent never looks silent. At the default interval (30 s)
    /// that is the 15 s it always was.
    /// </summary>
    public static TimeSpan ShownEvery(TimeSpan interval) => interval / 2 < ShownAtMostEvery ? interval / 2 : ShownAtMostEvery;
}
