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
        var quietAgents = await context.Agents.AsNoTracking()
            .Where(a => a.GroupId == groupId && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy) && a.LastHeartbeatAt < quietSince)
            .Select(a => new { a.Id, a.LastHeartbeatAt, a.Thresholds })
            .ToListAsync(cancellationToken);
        var silentAgents = quietAgents
            .Where(a => SignSince(a.LastHeartbeatAt, started) < now - StallPolicy.For(defaults, groupThresholds, a.Thresholds).HeartbeatTimeout)
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
        var slowItems = new List<Guid>();
        if (running.Count > 0)
        {
            var holders = running.Select(w => w.AgentId).Distinct().ToList();
            var agentThresholds = await context.Agents.AsNoTracking()
                .Where(a => holders.Contains(a.Id))
                .Select(a => new { a.Id, a.Thresholds })
                .ToDictionaryAsync(a => a.Id, a => a.Thresholds, cancellationToken);
            slowItems.AddRange(running
                .Where(w => StallSweep.Judge(
                    new AttemptSigns(w.Attempt.AcceptedAt ?? w.Attempt.OfferedAt, w.Attempt.LastProgressAt, w.ProgressAt, w.ExpectedDurationSeconds),
                    StallPolicy.For(defaults, groupThresholds, agentThresholds.GetValueOrDefault(w.AgentId)), now, started) is not null)
                .Select(w => w.Id));
        }

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
