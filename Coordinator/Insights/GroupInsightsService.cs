using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Insights;

/// <summary>
/// Figures for a group's dashboard: throughput, stalls and reassignments over time, items by state, each agent's
/// track record, and what the feedback job last taught the group's skill model. Counting is done by the database;
/// cutting time into buckets is done here over the window's own rows, because SQLite keeps dates as encoded numbers
/// that SQL cannot truncate to an hour or a day.
/// </summary>
public sealed class GroupInsightsService(ClawDbContext context, TimeProvider time)
{
    public async Task<Outcome<GroupInsightsView>> GetAsync(Caller caller, Guid groupId, InsightsRange range, CancellationToken cancellationToken)
    {
        if (await context.CheckGroupAccessAsync(caller, groupId, cancellationToken) is { } denied)
        {
            return denied;
        }

        var now = time.GetUtcNow();
        var (from, step, count) = Window(now, range);
        var states = await context.WorkItems.AsNoTracking().Where(w => w.GroupId == groupId)
            .GroupBy(w => w.State).Select(g => new { State = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var attempts = context.Assignments.AsNoTracking().Where(a => a.GroupId == groupId && a.Role == AssignmentRole.Work);
        var outcomes = await attempts.Where(a => a.AgentId != null && a.EndedAt >= from)
            .GroupBy(a => new { a.AgentId, a.Outcome }).Select(g => new { g.Key.AgentId, g.Key.Outcome, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var finished = await attempts
            .Where(a => a.EndedAt >= from && (a.Outcome == AssignmentOutcome.Completed || a.Outcome == AssignmentOutcome.Stalled))
            .Select(a => new { a.AgentId, a.Outcome, a.OfferedAt, EndedAt = a.EndedAt!.Value })
            .ToListAsync(cancellationToken);
        var reoffers = await attempts.Where(a => a.Attempt > 1 && a.OfferedAt >= from).Select(a => a.OfferedAt).ToListAsync(cancellationToken);
        var agents = await context.Agents.AsNoTracking().Where(a => a.GroupId == groupId)
            .Select(a => new { a.Id, a.Name, a.Status }).ToListAsync(cancellationToken);

        var done = finished.Where(a => a.Outcome == AssignmentOutcome.Completed).ToList();
        var stalls = finished.Where(a => a.Outcome == AssignmentOutcome.Stalled).ToList();
        var buckets = Enumerable.Range(0, count).Select(i => from + (step * i)).ToList();
        var bucketed = buckets.Select((start, i) => new InsightsBucket(
                start,
                done.Count(a => BucketOf(a.EndedAt, from, step, count) == i),
                stalls.Count(a => BucketOf(a.EndedAt, from, step, count) == i),
                reoffers.Count(at => BucketOf(at, from, step, count) == i)))
            .ToList();

        int Outcomes(Guid? agentId, AssignmentOutcome outcome)
            => outcomes.Where(o => (agentId is null || o.AgentId == agentId) && o.Outcome == outcome).Sum(o => o.Count);

        var perAgent = agents
            .Select(agent => new AgentInsights(
                agent.Id, agent.Name, MemberStatuses.ApiName(agent.Status),
                Outcomes(agent.Id, AssignmentOutcome.Completed), Outcomes(agent.Id, AssignmentOutcome.Stalled),
                Outcomes(agent.Id, AssignmentOutcome.Rejected), Outcomes(agent.Id, AssignmentOutcome.Declined),
                SuccessRate(Outcomes(agent.Id, AssignmentOutcome.Completed), Outcomes(agent.Id, AssignmentOutcome.Stalled)
                    + Outcomes(agent.Id, AssignmentOutcome.Rejected) + Outcomes(agent.Id, AssignmentOutcome.Declined)),
                Mean(done.Where(a => a.AgentId == agent.Id).Select(a => a.EndedAt - a.OfferedAt))))
            .Where(a => a.Status != MemberStatuses.Revoked || a.Done + a.Stalled + a.Rejected + a.Declined > 0)
            .OrderByDescending(a => a.Done).ThenBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var byState = Enum.GetValues<WorkItemState>()
            .Select(state => new StateCount(WorkItemStates.ApiName(state), states.Where(s => s.State == state).Sum(s => s.Count)))
            .ToList();
        var agentDone = Outcomes(null, AssignmentOutcome.Completed);
        var totals = new InsightsTotals(
            Items: states.Sum(s => s.Count),
            OpenItems: states.Where(s => s.State is not (WorkItemState.Done or WorkItemState.Cancelled or WorkItemState.Failed)).Sum(s => s.Count),
            Done: done.Count,
            Stalls: stalls.Count,
            Reassignments: reoffers.Count,
            SuccessRate: SuccessRate(agentDone, Outcomes(null, AssignmentOutcome.Stalled) + Outcomes(null, AssignmentOutcome.Rejected)
                + Outcomes(null, AssignmentOutcome.Declined)),
            MeanTimeToDone: Mean(done.Select(a => a.EndedAt - a.OfferedAt)));
        var tuning = await context.GroupSkillTunings.AsNoTracking().Where(t => t.GroupId == groupId && t.Head != null)
            .Select(t => new SkillTuningView(t.TunedAt, t.Examples, t.Members, t.GroupAccuracyBefore, t.GroupAccuracyAfter,
                t.BaseAccuracyBefore, t.BaseAccuracyAfter, t.DurationErrorBefore, t.DurationErrorAfter))
            .FirstOrDefaultAsync(cancellationToken);
        return new GroupInsightsView(groupId, range, from, from + (step * count), totals, byState, bucketed, perAgent) { Tuning = tuning };
    }

    /// <summary>The window ends with the bucket that holds now: the current hour (or UTC day) and the ones before it.</summary>
    public static (DateTimeOffset From, TimeSpan Step, int Count) Window(DateTimeOffset now, InsightsRange range)
    {
        var utc = now.ToUniversalTime();
        return range switch
        {
            InsightsRange.Fortnight => (new DateTimeOffset(utc.Date, TimeSpan.Zero).AddDays(-13), TimeSpan.FromDays(1), 14),
            _ => (new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero).AddHours(-23), TimeSpan.FromHours(1), 24),
        };
    }

    private static int BucketOf(DateTimeOffset at, DateTimeOffset from, TimeSpan step, int count)
    {
        if (at < from)
        {
            return -1;
        }

        var index = (int)((at - from).Ticks / step.Ticks);
        return index < count ? index : -1;
    }

    private static double? SuccessRate(int done, int failed) => done + failed == 0 ? null : (double)done / (done + failed);

    private static TimeSpan? Mean(IEnumerable<TimeSpan> durations)
    {
        var list = durations.ToList();
        return list.Count == 0 ? null : TimeSpan.FromTicks((long)list.Average(d => d.Ticks));
    }
}
