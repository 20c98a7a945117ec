using System.Collections.Concurrent;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// When this node last wrote each agent's sign of life (its <c>LastHeartbeatAt</c>), so that a progress report coming less
/// than <see cref="Resolution"/> after one does not write it again: in the swarm an agent with a few slots reports every
/// second or so, and each report's sign of life was a write of its own, a turn at SQLite's one writer (docs/PERFORMANCE.md).
/// The stored time is then at most that far behind the agent's last report, against heartbeat timeouts of 5 s at the least
/// and 90 s by default. Per node and in memory: another node's writes are not seen here, so this node writes at most once
/// per resolution whatever the others do, and a restart only writes the next one.
/// </summary>
public sealed class SignsOfLife
{
    /// <summary>How stale the stored sign of life may be left: a fifth of the shortest heartbeat timeout a group may set.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Guid, long> _writtenAt = new();

    /// <summary>Whether the agent's sign of life at <paramref name="now"/> is worth writing: this node wrote none within the resolution.</summary>
    public bool WorthWriting(Guid agentId, DateTimeOffset now)
        => !_writtenAt.TryGetValue(agentId, out var ticks) || now.UtcTicks - ticks >= Resolution.Ticks || now.UtcTicks < ticks;

    /// <summary>Records that the agent's sign of life at <paramref name="at"/> was written.</summary>
    public void Written(Guid agentId, DateTimeOffset at) => _writtenAt[agentId] = at.UtcTicks;
}
