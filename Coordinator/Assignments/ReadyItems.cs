using System.Collections.Concurrent;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The ready items a pass weighs, read lean and untracked: what the model and the candidates need (text, required skills,
/// priority, routing notes, the members who stalled on each or that each was steered away from), with the reading's bytes taken from this node's earlier passes
/// where it has them. At 3,300 ready items the whole rows cost 42–90 ms a pass and these 6–32 ms (docs/PERFORMANCE.md).
/// The items a pass moves are read again whole and tracked (<see cref="TrackWholeAsync"/>).
/// </summary>
public sealed class ReadyItems
{
    /// <summary>
    /// Per group, each item's reading bytes under its id, version and reading version (a pass keeps a new reading without
    /// bumping the item's version); a pass forgets the items it no longer sees.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, ItemMemo<(Guid Item, long Version, string ReadingVersion), byte[]>> _readings = new();

    public async Task<List<WorkItem>> LoadAsync(ClawDbContext context, Guid groupId, IQueryable<WorkItem> ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ready);
        var rows = await ready.Select(w => new
        {
            w.Id, w.GroupId, w.Version, w.Title, w.Description, w.RequiredSkills, w.Priority, w.State, w.CreatedAt, w.ReadingVersion,
            w.ExpectedDurationSeconds, w.RoutingNotes, w.AskedAssigneeKind,
            // What the item is held with, if anything: a pass that holds it again asks the trail a new question only if it differs.
            w.RoutingHeldAt, w.RoutingConfidence, w.RoutingCandidatesJson,
            Excluded = w.Assignments.Where(a => a.Outcome == AssignmentOutcome.Stalled || a.SteeredAway)
                .Select(a => new { a.AgentId, a.UserId, a.Outcome, a.SteeredAway }).ToList(),
        }).ToListAsync(cancellationToken);
        var known = _readings.GetOrAdd(groupId, _ => new());
        var items = new List<WorkItem>(rows.Count);
        var unknown = new List<WorkItem>();
        foreach (var row in rows)
        {
            var item = new WorkItem
            {
                Id = row.Id, GroupId = row.GroupId, Version = row.Version, Title = row.Title, Description = row.Description, RequiredSkills = row.RequiredSkills,
                Priority = row.Priority, State = row.State, CreatedAt = row.CreatedAt, ReadingVersion = row.ReadingVersion,
                ExpectedDurationSeconds = row.ExpectedDurationSeconds, RoutingNotes = row.RoutingNotes, AskedAssigneeKind = row.AskedAssigneeKind,
                RoutingHeldAt = row.RoutingHeldAt, RoutingConfidence = row.RoutingConfidence, RoutingCandidatesJson = row.RoutingCandidatesJson,
            };
            item.Assignments.AddRange(row.Excluded.Select(e => new Assignment
            {
                WorkItemId = row.Id, AgentId = e.AgentId, UserId = e.UserId, Outcome = e.Outcome, SteeredAway = e.SteeredAway,
            }));
            if (item.ReadingVersion is not null)
            {
                if (known.TryGet((item.Id, item.Version, item.ReadingVersion), out var bytes))
                {
                    item.ReadingVector = bytes;
                }
                else
                {
                    unknown.Add(item);
                }
            }

            items.Add(item);
        }

        if (unknown.Count > 0)
        {
            var ids = unknown.Select(w => w.Id).ToList();
            var vectors = await context.WorkItems.Where(w => ids.Contains(w.Id)).Select(w => new { w.Id, w.Version, w.ReadingVector })
                .ToDictionaryAsync(v => v.Id, cancellationToken);
            foreach (var item in unknown)
            {
                // Changed since the first read: left without a reading, which the pass then reads afresh.
                if (vectors.TryGetValue(item.Id, out var stored) && stored.Version == item.Version && stored.ReadingVector is { } vector)
                {
                    item.ReadingVector = vector;
                    known.Add((item.Id, item.Version, item.ReadingVersion!), vector);
                }
            }
        }

        known.KeepOnly(items.Where(w => w.ReadingVersion is not null).Select(w => (w.Id, w.Version, w.ReadingVersion!)));
        return items;
    }

    /// <summary>
    /// Replaces the items at <paramref name="moved"/> with their whole rows, tracked, so the pass's moves are saved with the
    /// optimistic check on the version it read. False when one changed since (another pass or a person moved it first).
    /// </summary>
    public static async Task<bool> TrackWholeAsync(ClawDbContext context, List<WorkItem> items, IReadOnlyCollection<int> moved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(moved);
        var ids = moved.Select(i => items[i].Id).ToList();
        var whole = await context.WorkItems.Include(w => w.Assignments).Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, cancellationToken);
        foreach (var i in moved)
        {
            if (!whole.TryGetValue(items[i].Id, out var item) || item.Version != items[i].Version)
            {
                return false;
            }

            items[i] = item;
        }

        return true;
    }
}
