using System.Collections.Concurrent;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// The signs of life that agents' progress reports gave and this node has not yet stored (an agent's <c>LastHeartbeatAt</c>),
/// the latest of each agent's, written together by <see cref="SignsOfLifeWriter"/> every <see cref="WriteEvery"/>. In the
/// swarm an agent with a few slots reports every second or so, and each report's sign of life was a commit of its own at
/// SQLite's one writer, after which every other connection read its pages again (docs/PERFORMANCE.md, decision 0052); all
/// of them now take one commit twice a second. The stored time is then at most that far behind the agent's last report,
/// against heartbeat timeouts of 5 s at the least and 90 s by default. Per node and in memory: a crash loses at most the
/// last half second's, which no sweep misses (a sign from before a restart counts from the restart,
/// <see cref="Stalls.StallSuspects.SignSince"/>).
/// </summary>
public sealed class SignsOfLife
{
    /// <summary>How often the reported signs are written, and so how far behind the stored one may be.</summary>
    public static readonly TimeSpan WriteEvery = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<Guid, long> _reported = new();

    /// <summary>Whether any sign waits to be written.</summary>
    public bool AnyReported => !_reported.IsEmpty;

    /// <summary>The agent gave a sign of life at <paramref name="at"/>: kept to be written, unless a later one is kept already.</summary>
    public void Report(Guid agentId, DateTimeOffset at)
        => _reported.AddOrUpdate(agentId, at.UtcTicks, (_, kept) => Math.Max(kept, at.UtcTicks));

    /// <summary>
    /// The signs kept so far, each agent's latest, no longer kept: a report that comes while they are written is kept for
    /// the next write.
    /// </summary>
    public IReadOnlyList<(Guid AgentId, DateTimeOffset At)> Take()
    {
        var taken = new List<(Guid, DateTimeOffset)>();
        foreach (var agentId in _reported.Keys)
        {
            if (_reported.TryRemove(agentId, out var ticks))
            {
                taken.Add((agentId, new DateTimeOffset(ticks, TimeSpan.Zero)));
            }
        }

        return taken;
    }
}
