using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Reads a group's track records in one grouped query: the assignment pass weighs every candidate with them and the roster
/// shows them, so both read the same figures (decision 0029). Work attempts only; a review is not the reviewer's own work.
/// </summary>
public static class TrackRecordQuery
{
    /// <summary>How far back a track record reaches: a member that got better is not held to last year's stalls.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    private static readonly AssignmentOutcome[] Judged =
        [AssignmentOutcome.Completed, AssignmentOutcome.Stalled, AssignmentOutcome.Declined, AssignmentOutcome.Rejected];

    /// <summary>The records the assignment pass weighs: the group's members' (agents and people) from attempts ended within <see cref="Window"/> of <paramref name="now"/>.</summary>
    public static Task<TrackRecords> ForPassAsync(ClawDbContext context, Guid groupId, DateTimeOffset now, CancellationToken cancellationToken)
        => ForGroupAsync(context, groupId, now - Window, memberIds: null, cancellationToken);

    /// <summary>
    /// The records of the group's members from attempts ended since <paramref name="since"/> (null: ever), or only of
    /// <paramref name="memberIds"/> (agent or account ids) when given.
    /// </summary>
    public static async Task<TrackRecords> ForGroupAsync(
        ClawDbContext context, Guid groupId, DateTimeOffset? since, IReadOnlyCollection<Guid>? memberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ended = context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.Role == AssignmentRole.Work && a.EndedAt != null && Judged.Contains(a.Outcome));
        if (since is { } from)
        {
            ended = ended.Where(a => a.EndedAt >= from);
        }

        if (memberIds is not null)
        {
            ended = ended.Where(a => (a.AgentId != null && memberIds.Contains(a.AgentId.Value)) || (a.UserId != null && memberIds.Contains(a.UserId.Value)));
        }

        var rows = await ended
            .GroupBy(a => new { a.AgentId, a.UserId, a.SkillArea, a.Outcome })
            .Select(g => new { g.Key.AgentId, g.Key.UserId, g.Key.SkillArea, g.Key.Outcome, Count = g.Count(), PaceSum = g.Sum(a => a.Pace), Paced = g.Count(a => a.Pace != null), Cost = g.Sum(a => a.UsageCostUsd) })
            .ToListAsync(cancellationToken);
        return new TrackRecords(rows
            .Where(r => (r.AgentId ?? r.UserId) is not null)
            .Select(r => ((r.AgentId ?? r.UserId)!.Value, r.SkillArea, TrackRecordCounts.Of(r.Outcome, r.Count, r.PaceSum ?? 0, r.Paced, (double)r.Cost))));
    }

    /// <summary>
    /// An accepted attempt's pace, kept when its result arrives: the model's estimate over the time from acceptance to the result,
    /// at most 1; null without an estimate or an acceptance.
    /// </summary>
    public static double? PaceOf(WorkItem item, Assignment attempt, DateTimeOffset resultAt)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(attempt);
        if (item.ExpectedDurationSeconds is not { } expected || expected <= 0 || attempt.AcceptedAt is not { } started)
        {
            return null;
        }

        var taken = Math.Max(1, (resultAt - started).TotalSeconds);
        return Math.Min(1, expected / taken);
    }
}
