using System.Collections.Concurrent;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The ready items a pass weighs, read lean and untracked: what the model and the candidates need (text, required skills,
/// priority, routing notes, the members who stalled on each or that each was steered away from, and the kept reading's bytes).
/// At 3,300 ready items the whole rows cost 42–90 ms a pass and these 6–32 ms (docs/PERFORMANCE.md).
/// A pass after the first reads only each item's id, version and reading version, and the lean rows of the items it has not
/// seen at that version: under a swarm a pass ran every few hundred milliseconds and read the same thousands of texts again,
/// whose strings lived just long enough to be promoted and start the server's full collections.
/// The items a pass moves are read again whole and tracked (<see cref="TrackWholeAsync"/>).
/// </summary>
public sealed class ReadyItems
{
    /// <summary>
    /// Above this share of unseen items, or above <see cref="MaxReadById"/> of them, a pass reads the lean rows by its own query,
    /// not by their ids: a list of ids is a parameter each, and SQLite binds many parameters slowly (<see cref="Data.Database.RowsInOneStatement"/>).
    /// </summary>
    private const double ReadWholeAbove = 0.5;

    private const int MaxReadById = 500;

    /// <summary>
    /// Per group, each item's lean row (with its reading's bytes) under its id, version and reading version: every write to an
    /// item moves its version but the reading's (<see cref="ItemReadings"/>), which moves the reading version. A pass forgets
    /// the items it no longer sees.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, ItemMemo<(Guid Item, long Version, string? ReadingVersion), LeanRow>> _rows = new();

    public async Task<List<WorkItem>> LoadAsync(ClawDbContext context, Guid groupId, IQueryable<WorkItem> ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ready);
        // A new item each pass, for the pass may change what it was given (a steer let go where no one else could take it).
        return (await LeanRowsAsync(context, groupId, ready, cancellationToken)).Select(row => row.ToItem()).ToList();
    }

    /// <summary>
    /// The lean rows of <paramref name="ready"/>, in its order: read whole by its own query on a group's first pass (or when most
    /// are new), else its ids and versions first and the rows of the unseen ones by id. An item that changed between the two
    /// reads is left out: it may no longer be ready, and the next pass sees it as it is then.
    /// </summary>
    private async Task<List<LeanRow>> LeanRowsAsync(ClawDbContext context, Guid groupId, IQueryable<WorkItem> ready, CancellationToken cancellationToken)
    {
        var seen = _rows.GetOrAdd(groupId, _ => new());
        if (seen.IsEmpty)
        {
            return Remember(seen, await Lean(ready).ToListAsync(cancellationToken));
        }

        var heads = await ready.Select(w => new { w.Id, w.Version, w.ReadingVersion }).ToListAsync(cancellationToken);
        var unseen = heads.Where(h => !seen.TryGet((h.Id, h.Version, h.ReadingVersion), out _)).Select(h => h.Id).ToList();
        if (unseen.Count > Math.Min(ReadWholeAbove * heads.Count, MaxReadById))
        {
            return Remember(seen, await Lean(ready).ToListAsync(cancellationToken));
        }

        var read = unseen.Count == 0
            ? []
            : await Lean(context.WorkItems.Where(w => unseen.Contains(w.Id))).ToDictionaryAsync(r => r.Id, cancellationToken);
        var rows = new List<LeanRow>(heads.Count);
        foreach (var head in heads)
        {
            var key = (head.Id, head.Version, head.ReadingVersion);
            if (seen.TryGet(key, out var row))
            {
                rows.Add(row);
            }
            else if (read.TryGetValue(head.Id, out row) && row.Version == head.Version && row.ReadingVersion == head.ReadingVersion)
            {
                seen.Add(key, row);
                rows.Add(row);
            }
        }

        seen.Prune(rows.Select(r => (r.Id, r.Version, r.ReadingVersion)), rows.Count);
        return rows;
    }

    /// <summary>Keeps a whole read's rows, and only them.</summary>
    private static List<LeanRow> Remember(ItemMemo<(Guid Item, long Version, string? ReadingVersion), LeanRow> seen, List<LeanRow> rows)
    {
        foreach (var row in rows)
        {
            seen.Add((row.Id, row.Version, row.ReadingVersion), row);
        }

        seen.Prune(rows.Select(r => (r.Id, r.Version, r.ReadingVersion)), rows.Count);
        return rows;
    }

    /// <summary>
    /// Lets go of what this node keeps of a group's ready items: its passes find no one to offer work to (or no budget), so
    /// they read no items, and a quiet group should not hold thousands of texts.
    /// </summary>
    public void Forget(Guid groupId) => _rows.TryRemove(groupId, out _);

    private static IQueryable<LeanRow> Lean(IQueryable<WorkItem> items) => items.Select(w => new LeanRow(
        w.Id, w.GroupId, w.Version, w.Title, w.Description, w.RequiredSkills, w.Priority, w.State, w.CreatedAt, w.ReadingVersion,
        w.ExpectedDurationSeconds, w.RoutingNotes, w.AskedAssigneeKind, w.ReadingVector,
        // What the item is held with, if anything: a pass that holds it again asks the trail a new question only if it differs.
        w.RoutingHeldAt, w.RoutingConfidence, w.RoutingCandidatesJson,
        w.Assignments.Where(a => a.Outcome == AssignmentOutcome.Stalled || a.SteeredAway)
            .Select(a => new Excluded(a.AgentId, a.UserId, a.Outcome, a.SteeredAway)).ToList()));

    /// <summary>One item as a pass reads it, kept between passes; <see cref="ToItem"/> makes the pass its own copy.</summary>
    private sealed record LeanRow(
        Guid Id, Guid GroupId, long Version, string Title, string Description, List<string> RequiredSkills, int Priority, WorkItemState State,
        DateTimeOffset CreatedAt, string? ReadingVersion, double? ExpectedDurationSeconds, string? RoutingNotes, MemberKind? AskedAssigneeKind, byte[]? ReadingVector,
        DateTimeOffset? RoutingHeldAt, double? RoutingConfidence, string? RoutingCandidatesJson, List<Excluded> Excluded)
    {
        public WorkItem ToItem()
        {
            var item = new WorkItem
            {
                Id = Id, GroupId = GroupId, Version = Version, Title = Title, Description = Description, RequiredSkills = [.. RequiredSkills],
                Priority = Priority, State = State, CreatedAt = CreatedAt, ReadingVersion = ReadingVersion,
                ExpectedDurationSeconds = ExpectedDurationSeconds, RoutingNotes = RoutingNotes, AskedAssigneeKind = AskedAssigneeKind,
                RoutingHeldAt = RoutingHeldAt, RoutingConfidence = RoutingConfidence, RoutingCandidatesJson = RoutingCandidatesJson,
                // Shared, not copied: nothing writes into a reading's bytes.
                ReadingVector = ReadingVector,
            };
            // Most items have no such attempt: a loop, not a projection, which made an iterator and a closure for every item
            // of every pass.
            foreach (var excluded in Excluded)
            {
                item.Assignments.Add(new Assignment
                {
                    WorkItemId = Id, AgentId = excluded.AgentId, UserId = excluded.UserId, Outcome = excluded.Outcome, SteeredAway = excluded.SteeredAway,
                });
            }

            return item;
        }
    }

    /// <summary>An attempt that keeps its member from the item: one that stalled on it, or one steered away from it.</summary>
    private sealed record Excluded(Guid? AgentId, Guid? UserId, AssignmentOutcome Outcome, bool SteeredAway);

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
