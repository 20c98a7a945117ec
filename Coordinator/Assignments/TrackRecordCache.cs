using System.Collections.Concurrent;
using ClawGroups.Data.Database;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The track records this node's passes weigh, read at most once per <see cref="Coordinator.Hosting.CoordinatorOptions.TrackRecordRefreshSeconds"/>
/// per group. The records sum 90 days of endings (<see cref="TrackRecordQuery"/>), which no index makes cheap: at 40,000
/// finished attempts the query took 41–77 ms of each steady pass, and a busy group runs several passes a
/// second. A record that lags its member's last few seconds of endings weighs the same in a 90-day window, so a pass reuses
/// the last one read rather than summing the window again.
/// </summary>
public sealed class TrackRecordCache
{
    /// <summary>Groups whose records are kept; past it the cache starts over, as <see cref="Learning.GroupSkillModels"/> does.</summary>
    public const int MaxCachedGroups = 1024;

    private readonly ConcurrentDictionary<Guid, Read> _reads = new();

    public async Task<TrackRecords> ForPassAsync(ClawDbContext context, Guid groupId, DateTimeOffset now, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        // Read within maxAge, and not in the future (a clock set back must not keep a read forever).
        if (_reads.TryGetValue(groupId, out var last) && last.At <= now && now - last.At < maxAge)
        {
            return last.Records;
        }

        var records = await TrackRecordQuery.ForPassAsync(context, groupId, now, cancellationToken);
        if (_reads.Count >= MaxCachedGroups)
        {
            _reads.Clear();
        }

        _reads[groupId] = new Read(now, records);
        return records;
    }

    private sealed record Read(DateTimeOffset At, TrackRecords Records);
}
