using System.Collections.Concurrent;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The skills of each group's available agents, read once on a node. A card does not change after registration (decision
/// 0036), so a pass reads the roster's agents alone and asks the database only for the skills of agents it has not met.
/// Joined to their agents, the skills came back on every pass, their tags and examples decoded from JSON each time: 7–9 ms
/// of a steady pass at 300 agents, against 2–3 ms for the agents alone (docs/PERFORMANCE.md, "The roster's skills read once").
/// Each group keeps only the agents its last read found, so an agent that left is forgotten and one that comes back is read
/// again. Only an optimisation: another node, or this one after a restart, reads for itself. Anything that ever lets an
/// agent change its card must clear that agent's entry on every node (decision 0045).
/// </summary>
public sealed class AgentSkillCache
{
    private static readonly IReadOnlyDictionary<Guid, AgentSkill[]> None = new Dictionary<Guid, AgentSkill[]>();

    private readonly ConcurrentDictionary<Guid, IReadOnlyDictionary<Guid, AgentSkill[]>> _groups = new();

    /// <summary>
    /// Fills each agent's <see cref="Agent.Skills"/> (read untracked, without them) from what this node has read, reading the
    /// rest in one query. The skill rows are shared between passes: no context may track them and nothing may change them;
    /// each agent's list is its own.
    /// </summary>
    public async Task FillAsync(ClawDbContext context, Guid groupId, IReadOnlyList<Agent> agents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(agents);
        var known = _groups.GetValueOrDefault(groupId) ?? None;
        var unknown = agents.Where(a => !known.ContainsKey(a.Id)).Select(a => a.Id).ToList();
        var read = unknown.Count == 0
            ? null
            : (await context.AgentSkills.AsNoTracking().Where(s => unknown.Contains(s.AgentId)).ToListAsync(cancellationToken)).ToLookup(s => s.AgentId);
        var now = new Dictionary<Guid, AgentSkill[]>(agents.Count);
        foreach (var agent in agents)
        {
            var skills = known.TryGetValue(agent.Id, out var kept) ? kept : read![agent.Id].ToArray();
            now[agent.Id] = skills;
            agent.Skills.AddRange(skills);
        }

        // Two reads of one group at once (an assignment pass and a reviewer pass) each store a whole, correct roster.
        _groups[groupId] = now;
    }
}
