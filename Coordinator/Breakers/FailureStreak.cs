using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Breakers;

/// <summary>
/// An agent's breaker, read from how its finished attempts ended — no state of its own to drift (decision 0028). Failures
/// (stalled, rejected, failed) in a row since its last completed attempt are its streak; other endings (declined, taken
/// over, cancelled…) neither count nor break it. At <see cref="BreakerOptions.FailureStreak"/> the breaker trips: the agent
/// is offered nothing for a cool-down; then it is half-open — one trial offer at a time. A failed trial trips it again with
/// twice the cool-down; a completed attempt closes it.
/// </summary>
public static class FailureStreak
{
    /// <summary>How far back the streak is read: far beyond any cool-down, and a bound on the query.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(7);

    private static readonly AssignmentOutcome[] Failures = [AssignmentOutcome.Stalled, AssignmentOutcome.Rejected, AssignmentOutcome.Failed];

    private static readonly AssignmentOutcome[] Counted = [AssignmentOutcome.Completed, .. Failures];

    /// <summary>
    /// The tripped agents of a group (open or half-open), by id, or only among <paramref name="agentIds"/> when given (a
    /// live update about one agent); the rest are not in it.
    /// </summary>
    public static async Task<Dictionary<Guid, AgentBreaker>> TrippedInGroupAsync(
        ClawDbContext context, Guid groupId, BreakerOptions options, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyCollection<Guid>? agentIds = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var since = now - Lookback;
        // Only the failures since each agent's last completed attempt (or the lookback): the streak is made of them alone. Read
        // per agent, the last completion as the failures' lower bound, both through the (AgentId, Outcome, EndedAt) index: this
        // costs what the agents failed since, not what the group finished in the week (on every pass; 49 → 4–8 ms at 40,000).
        var agents = context.Agents.AsNoTracking().Where(a => a.GroupId == groupId);
        if (agentIds is not null)
        {
            agents = agents.Where(a => agentIds.Contains(a.Id));
        }

        var rows = await (
            from agent in agents
            from failure in context.Assignments
            where failure.AgentId == agent.Id && Failures.Contains(failure.Outcome) && failure.Role == AssignmentRole.Work
                  && failure.EndedAt > (context.Assignments
                      .Where(a => a.AgentId == agent.Id && a.Outcome == AssignmentOutcome.Completed && a.Role == AssignmentRole.Work && a.EndedAt >= since)
                      .Max(a => a.EndedAt) ?? since)
            select new { AgentId = agent.Id, EndedAt = failure.EndedAt!.Value, failure.Outcome })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.AgentId)
            .Select(g => Read(g.Key, g.Select(r => (r.EndedAt, r.Outcome)), options))
            .OfType<AgentBreaker>()
            .ToDictionary(b => b.AgentId);
    }

    /// <summary>The agent's breaker from its endings (any order), or null when it is closed.</summary>
    public static AgentBreaker? Read(Guid agentId, IEnumerable<(DateTimeOffset EndedAt, AssignmentOutcome Outcome)> endings, BreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(endings);
        ArgumentNullException.ThrowIfNull(options);
        var streak = 0;
        DateTimeOffset? lastFailure = null;
        foreach (var (endedAt, outcome) in endings.OrderByDescending(e => e.EndedAt))
        {
            if (outcome == AssignmentOutcome.Completed)
            {
                break;
            }

            if (outcome is AssignmentOutcome.Stalled or AssignmentOutcome.Rejected or AssignmentOutcome.Failed)
            {
                streak++;
                lastFailure ??= endedAt;
            }
        }

        if (streak < options.FailureStreak)
        {
            return null;
        }

        var trips = streak - options.FailureStreak + 1;
        var seconds = Math.Min(options.CooldownSeconds * Math.Pow(2, Math.Min(trips - 1, 30)), options.MaxCooldownSeconds);
        return new AgentBreaker(agentId, streak, trips, lastFailure!.Value + TimeSpan.FromSeconds(seconds));
    }

    /// <summary>
    /// The agent's streak as it stood before <c>excluded</c> ended: its failures since its last completed attempt, the same
    /// rows <see cref="TrippedInGroupAsync"/> reads for a whole group. Compiled once, as every result reads it.
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, Guid, DateTimeOffset, IAsyncEnumerable<AttemptEnding>>> StreakBefore =
        new(() => EF.CompileAsyncQuery((ClawDbContext context, Guid agentId, Guid excluded, DateTimeOffset since) => context.Assignments.AsNoTracking()
            .Where(a => a.AgentId == agentId && a.Id != excluded && Failures.Contains(a.Outcome) && a.Role == AssignmentRole.Work
                        && a.EndedAt > (context.Assignments
                            .Where(c => c.AgentId == agentId && c.Id != excluded && c.Outcome == AssignmentOutcome.Completed && c.Role == AssignmentRole.Work && c.EndedAt >= since)
                            .Max(c => c.EndedAt) ?? since))
            .Select(a => new AttemptEnding(a.EndedAt!.Value, a.Outcome))));

    /// <summary>
    /// Writes the trail when an agent's attempt ending trips its breaker (<c>breaker.tripped</c>, each failure while tripped
    /// again) or a completed attempt closes it (<c>breaker.released</c>). <paramref name="ended"/> is not saved yet.
    /// </summary>
    public static async Task RecordAsync(ClawDbContext context, Assignment ended, BreakerOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ended);
        if (ended.AgentId is not { } agentId || ended.Role != AssignmentRole.Work || !Counted.Contains(ended.Outcome))
        {
            return;
        }

        // Read so rather than all of a week's endings: an agent finishing work all day has thousands, and this is every result.
        var streak = await StreakBefore.For(context)(context, agentId, ended.Id, now - Lookback).ToListAsync(cancellationToken);
        var before = Read(agentId, streak.Select(e => (e.EndedAt, e.Outcome)), options);
        var after = Read(agentId, streak.Select(e => (e.EndedAt, e.Outcome)).Append((now, ended.Outcome)), options);
        if (after is not null)
        {
            context.AddTrailEvent(ended.GroupId, Caller.Coordinator, TrailEventTypes.BreakerTripped, now,
                new { reason = BreakerReasons.FailureStreak, agentId, streak = after.Streak, trips = after.Trips, coolingUntil = after.CoolingUntil },
                ended.WorkItemId, agentId);
        }
        else if (before is not null)
        {
            context.AddTrailEvent(ended.GroupId, Caller.Coordinator, TrailEventTypes.BreakerReleased, now,
                new { reason = BreakerReasons.FailureStreak, agentId }, ended.WorkItemId, agentId);
        }
    }
}

/// <summary>How an agent's attempt ended, and when: what its breaker is read from.</summary>
internal sealed record AttemptEnding(DateTimeOffset EndedAt, AssignmentOutcome Outcome);

/// <summary>A tripped agent breaker: the failures in a row, how often it tripped, and until when the agent is offered nothing.</summary>
public sealed record AgentBreaker(Guid AgentId, int Streak, int Trips, DateTimeOffset CoolingUntil)
{
    /// <summary>Cooling down: no offers. After it, half-open: one trial offer at a time.</summary>
    public bool Cooling(DateTimeOffset now) => now < CoolingUntil;
}
