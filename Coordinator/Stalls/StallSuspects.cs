using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Stalls;

/// <summary>
/// What a group's stall sweep has to look at, judged on narrow untracked rows before the sweep takes its transaction: the
/// agents past their heartbeat timeout and the attempts <see cref="StallSweep.Judge"/> finds stalled. Most sweeps find
/// nothing, and on the embedded default a transaction holds SQLite's one write turn from its <c>BEGIN</c>: every item an
/// agent works on may overrun its estimate, so reading them all tracked inside it kept every agent's write waiting
/// (docs/PERFORMANCE.md, "The stall sweep judges before it writes"). The sweep reads its suspects again, tracked, and
/// judges them again: a row that changed in between is judged as it is then (decision 0045).
/// </summary>
internal static class StallSuspects
{
    /// <summary>No threshold can be shorter than this (the options' lower bound), so older heartbeats are the only suspects.</summary>
    public static readonly TimeSpan ShortestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Work an agent holds whose current attempt has been quiet at least <paramref name="quietSince"/>, or that carries an
    /// expected duration it may overrun: what <see cref="StallSweep.Judge"/> may find stalled.
    /// </summary>
    public static IQueryable<WorkItem> RunningWork(ClawDbContext context, DateTimeOffset quietSince)
        => context.WorkItems
            .Where(w => (w.State == WorkItemState.InProgress || w.State == WorkItemState.Assigned) && w.PausedAt == null && w.QuestionAskedAt == null
                        && w.AssigneeAgentId != null
                        && w.Assignments.Any(a => a.Id == w.CurrentAssignmentId && a.EndedAt == null
                                                  && (a.LastProgressAt == null || a.LastProgressAt < quietSince || w.ExpectedDurationSeconds != null)));

    /// <summary>
    /// The group's silent agents and stalled items as the sweep would judge them now; a sign of life from before this
    /// process <paramref name="started"/> counts from its start (<see cref="SignSince"/>).
    /// </summary>
    public static async Task<Found> FindAsync(
        ClawDbContext context, Guid groupId, DateTimeOffset now, CoordinatorOptions defaults, DateTimeOffset started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(defaults);
        var quietSince = now - ShortestTimeout;
        var groupThresholds = await context.Groups.Where(g => g.Id == groupId).Select(g => g.Thresholds).SingleAsync(cancellationToken);
        // The group's agents in one narrow read: the silent ones are judged from it, and the holders' thresholds taken from it.
        var agents = await context.Agents.AsNoTracking()
            .Where(a => a.GroupId == groupId)
            .Select(a => new { a.Id, a.Status, a.LastHeartbeatAt, a.Thresholds })
            .ToDictionaryAsync(a => a.Id, cancellationToken);
        var silentAgents = agents.Values
            .Where(a => (a.Status is AgentStatus.Online or AgentStatus.Busy) && a.LastHeartbeatAt < quietSince
                        && SignSince(a.LastHeartbeatAt, started) < now - StallPolicy.For(defaults, groupThresholds, a.Thresholds).HeartbeatTimeout)
            .Select(a => a.Id)
            .ToList();

        var running = await RunningWork(context, quietSince).AsNoTracking()
            .Where(w => w.GroupId == groupId)
            .Select(w => new
            {
                w.Id, AgentId = w.AssigneeAgentId!.Value, w.ProgressAt, w.ExpectedDurationSeconds,
                Attempt = w.Assignments.Where(a => a.Id == w.CurrentAssignmentId).Select(a => new { a.OfferedAt, a.AcceptedAt, a.LastProgressAt }).First(),
            })
            .ToListAsync(cancellationToken);
        var slowItems = running
            .Where(w => StallSweep.Judge(
                AttemptSigns.Of(w.Attempt.OfferedAt, w.Attempt.AcceptedAt, w.Attempt.LastProgressAt, w.ProgressAt, w.ExpectedDurationSeconds),
                StallPolicy.For(defaults, groupThresholds, agents.GetValueOrDefault(w.AgentId)?.Thresholds), now, started) is not null)
            .Select(w => w.Id)
            .ToList();

        return new Found(silentAgents, slowItems);
    }

    /// <summary>
    /// Nothing could reach this process before it started: a heartbeat or a report that was due while it was down
    /// counts from the start, so that a restart does not take live agents' work away.
    /// </summary>
    public static DateTimeOffset SignSince(DateTimeOffset? lastSign, DateTimeOffset started)
        => lastSign is { } last && last > started ? last : started;

    /// <summary>A group's suspects: agents past their heartbeat timeout, items whose attempt looks stalled.</summary>
    public sealed record Found(IReadOnlyList<Guid> SilentAgents, IReadOnlyList<Guid> SlowItems)
    {
        public bool None => SilentAgents.Count == 0 && SlowItems.Count == 0;
    }
}
