using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The agents of a group that may be offered work now: online or busy, and heard from within their own heartbeat
/// timeout (agent, else group, else configuration — the same rule the stall sweep applies).
/// </summary>
internal static class AvailableAgents
{
    public static async Task<List<Agent>> InGroupAsync(
        ClawDbContext context, AgentSkillCache skills, Guid groupId, CoordinatorOptions defaults, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var groupThresholds = await context.Groups.Where(g => g.Id == groupId).Select(g => g.Thresholds).SingleAsync(cancellationToken);
        var agents = await context.Agents.AsNoTracking()
            .Where(a => a.GroupId == groupId && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy) && a.LastHeartbeatAt != null)
            .OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        await skills.FillAsync(context, groupId, agents, cancellationToken);
        agents.ForEach(AssignmentCandidates.PutSkillsInOrder);
        var present = agents
            .Where(a => a.LastHeartbeatAt >= now - StallPolicy.For(defaults, groupThresholds, a.Thresholds).HeartbeatTimeout)
            .ToList();
        // Spent budgets and tripped breakers offer nothing (decision 0028).
        return await OfferGate.AgentsAsync(context, groupId, present, defaults.Breakers, now, cancellationToken);
    }
}
