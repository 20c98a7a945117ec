using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// An (item, agent) pair the coordinator may choose, with its score, what it matched (the required skills met, and the
/// agent's skill the model matched best: <see cref="BestSkill"/>, an index into its skills, or -1).
/// </summary>
public sealed record AssignmentCandidate(int Item, int Agent, double Score, double Affinity, IReadOnlyList<string> MatchedSkills, int BestSkill = -1);

/// <summary>Scores every allowed (item, agent) pair. Required skills are hard constraints; stalls and declines exclude.</summary>
public static class AssignmentCandidates
{
    /// <summary>How much of the score comes from the model's affinity, the declared skill level, and spare capacity.</summary>
    private const double AffinityWeight = 0.7;
    private const double LevelWeight = 0.2;
    private const double SpareCapacityWeight = 0.1;

    /// <summary>
    /// Priority outweighs fit: when capacity is short, a higher-priority item is served before a lower one that
    /// matches slightly better. Scaled to [0, 1] across the batch's priorities.
    /// </summary>
    private const double PriorityWeight = 1.0;

    public static List<AssignmentCandidate> Score(
        IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, IReadOnlyDictionary<Guid, int> load, ISkillModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(model);
        return Score(items, agents, load, model.Score(items.Select(ToText).ToList(), agents.Select(ToProfile).ToList(), cancellationToken));
    }

    /// <summary>Scores the pairs from the model's <paramref name="affinities"/> of the items (rows) to the agents (columns).</summary>
    public static List<AssignmentCandidate> Score(
        IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, IReadOnlyDictionary<Guid, int> load, AffinityMatrix affinities)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(affinities);
        var candidates = new List<AssignmentCandidate>();
        var lowest = items.Count == 0 ? 0 : items.Min(w => w.Priority);
        var spread = items.Count == 0 ? 0 : items.Max(w => w.Priority) - lowest;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            for (var a = 0; a < agents.Count; a++)
            {
                var agent = agents[a];
                var used = load.GetValueOrDefault(agent.Id);
                if (used >= agent.Capacity || !CouldTake(item, agent))
                {
                    continue;
                }

                var best = affinities.BestSkill(i, a);
                var affinity = affinities.Score(i, a);
                var matched = MatchedSkills(item, agent, best);
                var level = matched.Count == 0 ? 0.5 : agent.Skills.Where(s => matched.Contains(s.SkillId)).Max(s => s.Level);
                var priority = spread == 0 ? 0 : (double)(item.Priority - lowest) / spread;
                var score = (AffinityWeight * affinity) + (LevelWeight * level) + (SpareCapacityWeight * (1 - ((double)used / agent.Capacity)))
                            + (PriorityWeight * priority);
                candidates.Add(new AssignmentCandidate(i, a, score, affinity, matched, best));
            }
        }

        return candidates;
    }

    public static WorkItemText ToText(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new WorkItemText(item.Id.ToString(), item.Title, item.Description, item.RequiredSkills, ItemReadings.Of(item));
    }

    public static SkillProfile ToProfile(Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new SkillProfile(agent.Id.ToString(), agent.Name, agent.Description,
            agent.Skills.Select(s => new SkillEntry(s.SkillId, s.Name, s.Description, s.Tags, s.Examples, s.Level)).ToList());
    }

    /// <summary>
    /// Whether the agent could take the item, capacity aside: it has the required skills and has not stalled on or declined
    /// the item before.
    /// </summary>
    public static bool CouldTake(WorkItem item, Agent agent)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(agent);
        return !Excluded(item, agent) && HasRequiredSkills(item, agent);
    }

    /// <summary>An agent that stalled on or declined this item is not offered it again.</summary>
    private static bool Excluded(WorkItem item, Agent agent)
        => item.Assignments.Any(a => a.AgentId == agent.Id && a.Outcome is AssignmentOutcome.Stalled or AssignmentOutcome.Declined);

    private static bool HasRequiredSkills(WorkItem item, Agent agent)
        => item.RequiredSkills.All(required => agent.Skills.Any(s =>
            string.Equals(s.SkillId, required, StringComparison.OrdinalIgnoreCase)
            || s.Tags.Any(t => string.Equals(t, required, StringComparison.OrdinalIgnoreCase))));

    private static List<string> MatchedSkills(WorkItem item, Agent agent, int bestSkill)
    {
        var matched = agent.Skills
            .Where(s => item.RequiredSkills.Any(r => string.Equals(s.SkillId, r, StringComparison.OrdinalIgnoreCase)
                                                     || s.Tags.Any(t => string.Equals(t, r, StringComparison.OrdinalIgnoreCase))))
            .Select(s => s.SkillId)
            .ToList();
        if (bestSkill >= 0 && bestSkill < agent.Skills.Count && !matched.Contains(agent.Skills[bestSkill].SkillId))
        {
            matched.Add(agent.Skills[bestSkill].SkillId);
        }

        return matched;
    }
}
