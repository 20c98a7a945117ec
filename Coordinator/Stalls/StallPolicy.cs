using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Groups;

namespace ClawGroups.Coordinator.Stalls;

/// <summary>
/// The thresholds that apply to one agent in one group: the agent's own, else the group's, else configuration.
/// A long-running research agent is not a chat bot, and neither should be cut off by the other's limits.
/// </summary>
public sealed record StallPolicy(TimeSpan HeartbeatTimeout, TimeSpan ProgressTimeout, TimeSpan StartGrace, double OverrunFactor)
{
    /// <summary>How long a pinged assignee has to show progress before the item is revoked.</summary>
    public TimeSpan PingGrace => ProgressTimeout / 2;

    public static StallPolicy For(CoordinatorOptions defaults, StallThresholds? group, StallThresholds? agent)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new StallPolicy(
            TimeSpan.FromSeconds(agent?.HeartbeatTimeoutSeconds ?? group?.HeartbeatTimeoutSeconds ?? defaults.HeartbeatTimeoutSeconds),
            TimeSpan.FromSeconds(agent?.ProgressTimeoutSeconds ?? group?.ProgressTimeoutSeconds ?? defaults.ProgressTimeoutSeconds),
            TimeSpan.FromSeconds(agent?.StartGraceSeconds ?? group?.StartGraceSeconds ?? defaults.StartGraceSeconds),
            agent?.OverrunFactor ?? group?.OverrunFactor ?? defaults.OverrunFactor);
    }
}
