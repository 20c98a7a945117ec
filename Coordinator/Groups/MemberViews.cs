using System.Text.Json;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Coordinator.Breakers;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// Members as the roster shows them, with load and track record, loaded in a fixed number of queries. The
/// group's GET and the live <c>memberChanged</c> push use this one loader, so both always say the same.
/// </summary>
public static class MemberViews
{
    /// <summary>The group's agents (all but revoked ones), or only <paramref name="agentIds"/> when given (revoked included, so the roster learns of it).</summary>
    public static async Task<IReadOnlyList<MemberView>> AgentsAsync(
        this ClawDbContext context, Guid groupId, IReadOnlyCollection<Guid>? agentIds, CancellationToken cancellationToken,
        BreakerOptions? breakers = null, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Agents.AsNoTracking().Include(a => a.Skills).Where(a => a.GroupId == groupId);
        query = agentIds is null ? query.Where(a => a.Status != AgentStatus.Revoked) : query.Where(a => agentIds.Contains(a.Id));
        var agents = await query.OrderBy(a => a.Name).ToListAsync(cancellationToken);
        if (agents.Count == 0)
        {
            return [];
        }

        var ids = agents.Select(a => a.Id).ToList();
        var load = await MemberLoad.OfAgentsAsync(context, groupId, ids, cancellationToken);
        var outcomes = await context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.AgentId != null && ids.Contains(a.AgentId.Value) && a.Role == AssignmentRole.Work && a.EndedAt != null)
            .GroupBy(a => new { AgentId = a.AgentId!.Value, a.Outcome })
            .Select(g => new { g.Key.AgentId, g.Key.Outcome, Count = g.Count(), Cost = g.Sum(a => a.Usage.CostUsd) })
            .ToListAsync(cancellationToken);
        var at = now ?? DateTimeOffset.UtcNow;
        var tripped = breakers is null ? [] : await FailureStreak.TrippedInGroupAsync(context, groupId, breakers, at, cancellationToken);
        return agents.Select(agent =>
        {
            var own = outcomes.Where(o => o.AgentId == agent.Id).ToList();
            // What one accepted result cost: everything the agent spent, failed attempts included, over the results taken.
            var accepted = own.Where(o => o.Outcome == AssignmentOutcome.Completed).Sum(o => o.Count);
            var costPerResult = accepted == 0 ? (decimal?)null : Math.Round(own.Sum(o => o.Cost) / accepted, 4);
            var breaker = tripped.TryGetValue(agent.Id, out var b)
                ? new AgentBreakerView(b.Cooling(at) ? "cooling" : "halfOpen", b.Streak, b.Trips, b.CoolingUntil)
                : null;
            return ToView(agent, load.GetValueOrDefault(agent.Id), TrackRecord(own.Select(o => (o.Outcome, o.Count)))) with
            {
                Breaker = breaker, CostPerAcceptedResult = costPerResult,
            };
        }).ToList();
    }

    /// <summary>The group's humans, or only <paramref name="userIds"/> when given, with their presence at <paramref name="now"/>.</summary>
    public static async Task<IReadOnlyList<MemberView>> HumansAsync(
        this ClawDbContext context, Guid groupId, IReadOnlyCollection<Guid>? userIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.GroupMembers.AsNoTracking().Where(m => m.GroupId == groupId);
        if (userIds is not null)
        {
            query = query.Where(m => userIds.Contains(m.UserId));
        }

        var humans = await query
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.UserName, m.Role, m.User.LastSeenAt })
            .ToListAsync(cancellationToken);
        var ids = humans.Select(h => h.UserId).ToList();
        var load = await MemberLoad.OfHumansAsync(context, groupId, ids, cancellationToken);
        return humans
            .OrderBy(h => h.DisplayName)
            .Select(h => new MemberView(
                WorkItemViews.KindName(MemberKind.Human), h.UserId, h.DisplayName.Length > 0 ? h.DisplayName : h.UserName ?? "",
                PresenceService.StatusOf(h.LastSeenAt, load.GetValueOrDefault(h.UserId), now), Role: CamelCase(h.Role.ToString()),
                Load: load.GetValueOrDefault(h.UserId)))
            .ToList();
    }

    /// <summary>An agent without the figures that need queries (load and track record unknown).</summary>
    public static MemberView ToView(Agent agent, int? load = null, TrackRecordView? trackRecord = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new MemberView(
            WorkItemViews.KindName(MemberKind.Agent), agent.Id, agent.Name, MemberStatuses.ApiName(agent.Status),
            Delivery: CamelCase(agent.Delivery.ToString()), Capacity: agent.Capacity,
            LastHeartbeatAt: agent.LastHeartbeatAt,
            Skills: agent.Skills.Select(s => new SkillView(s.SkillId, s.Name, s.Tags, s.Level)).ToList(),
            Load: load, TrackRecord: trackRecord, Device: agent.Device, Model: agent.Model);
    }

    private static TrackRecordView TrackRecord(IEnumerable<(AssignmentOutcome Outcome, int Count)> outcomes)
    {
        int done = 0, stalled = 0, rejected = 0, declined = 0;
        foreach (var (outcome, count) in outcomes)
        {
            switch (outcome)
            {
                case AssignmentOutcome.Completed: done += count; break;
                case AssignmentOutcome.Stalled: stalled += count; break;
                case AssignmentOutcome.Rejected: rejected += count; break;
                case AssignmentOutcome.Declined: declined += count; break;
            }
        }

        return new TrackRecordView(done, stalled, rejected, declined);
    }

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
