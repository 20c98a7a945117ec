using System.Text.Json;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Coordinator.Assignments;
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
        // The figures the assignment pass weighs (TrackRecordQuery), over all time rather than its window.
        var records = await TrackRecordQuery.ForGroupAsync(context, groupId, since: null, ids, cancellationToken);
        var spend = await context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.AgentId != null && ids.Contains(a.AgentId.Value) && a.Role == AssignmentRole.Work && a.EndedAt != null)
            .GroupBy(a => a.AgentId!.Value)
            .Select(g => new { AgentId = g.Key, Cost = g.Sum(a => a.UsageCostUsd) })
            .ToDictionaryAsync(s => s.AgentId, s => s.Cost, cancellationToken);
        var at = now ?? DateTimeOffset.UtcNow;
        var tripped = breakers is null ? [] : await FailureStreak.TrippedInGroupAsync(context, groupId, breakers, at, cancellationToken, agentIds);
        return agents.Select(agent =>
        {
            var record = records.Of(agent.Id);
            // What one accepted result cost (decision 0028): all the agent spent on finished work attempts, failed ones
            // included, over its accepted results. Reviews are not its own results and running attempts have not spent all.
            // Shown, not weighed: the track record the pass scores with does not read it.
            var costPerResult = record.Accepted == 0 ? (decimal?)null : Math.Round(spend.GetValueOrDefault(agent.Id) / record.Accepted, 4);
            var breaker = tripped.TryGetValue(agent.Id, out var b)
                ? new AgentBreakerView(b.Cooling(at) ? "cooling" : "halfOpen", b.Streak, b.Trips, b.CoolingUntil)
                : null;
            return ToView(agent, load.GetValueOrDefault(agent.Id), TrackRecord(record)) with
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
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.UserName, m.Role, m.User.LastSeenAt, m.SkillsJson, m.Capacity, m.AcceptsWork })
            .ToListAsync(cancellationToken);
        var ids = humans.Select(h => h.UserId).ToList();
        var load = await MemberLoad.OfHumansAsync(context, groupId, ids, cancellationToken);
        // People who take work show what the coordinator routes by, as agents do (decision 0029).
        var records = humans.Any(h => h.AcceptsWork)
            ? await TrackRecordQuery.ForGroupAsync(context, groupId, since: null, ids, cancellationToken)
            : TrackRecords.None;
        return humans
            .OrderBy(h => h.DisplayName)
            .Select(h => new MemberView(
                WorkItemViews.KindName(MemberKind.Human), h.UserId, h.DisplayName.Length > 0 ? h.DisplayName : h.UserName ?? "",
                PresenceService.StatusOf(h.LastSeenAt, load.GetValueOrDefault(h.UserId), now), Role: CamelCase(h.Role.ToString()),
                Load: load.GetValueOrDefault(h.UserId),
                Capacity: h.AcceptsWork ? h.Capacity : null,
                Skills: h.AcceptsWork ? PersonSkills.Read(h.SkillsJson, h.UserId).Select(s => new SkillView(s.SkillId, s.Name, s.Tags, s.Level)).ToList() : null,
                TrackRecord: h.AcceptsWork ? TrackRecord(records.Of(h.UserId)) : null))
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

    private static TrackRecordView TrackRecord(TrackRecordCounts counts) => new(counts.Accepted, counts.Stalled, counts.Rejected, counts.Declined);

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
