using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// An (item, agent) pair the coordinator may choose, with its score, the model's affinity, the agent's declared level in
/// what matched (the required skills met and the skill the model matched best: <see cref="BestSkill"/>, an index into its
/// skills, or -1; 0.5 when nothing did), how far its track record there stands above or below the group's (<see cref="Standing.Lead"/>)
/// and whether the group prefers the member's kind for this work (<see cref="RoutingPreference"/>).
/// </summary>
/// <remarks>
/// A value, not an object: a pass weighs every item against every member with a free slot (a cold pass, a million pairs), and
/// as a class each pair was its own object for the GC to trace and copy, 8 % of all the server allocated in the swarm
/// (docs/PERFORMANCE.md). Held in a list, the pairs are one array without references.
/// </remarks>
public readonly record struct AssignmentCandidate(
    int Item, int Agent, double Score, double Affinity, double Level, int BestSkill = -1, double Lead = 0, bool Preferred = false);

/// <summary>
/// What a score is made of, as a reason states it: the fit (the model's affinity, 0–1), the declared level it counted (0–1) and
/// the priority's share (0 for the least urgent items of a pass, up to 1 for the most) and the track record's lead over the
/// group (<see cref="Standing.Lead"/>). The load is the reason's own figure.
/// </summary>
public readonly record struct ScoreParts(double Fit, double Level, double Priority, double Lead = 0);

/// <summary>
/// Scores every allowed (item, agent) pair. Required skills are hard constraints; a stall, and an attempt the item was
/// steered away from (a rejection, a hand-back, a decline, a reassignment: decision 0024), exclude.
/// </summary>
public static class AssignmentCandidates
{
    /// <summary>
    /// How much of the score comes from the model's affinity, the declared skill level, and spare capacity. Public because the
    /// drawer's legend states them: people are told the same weights the pass uses.
    /// </summary>
    public const double AffinityWeight = 0.7;
    public const double LevelWeight = 0.2;
    public const double SpareCapacityWeight = 0.1;

    /// <summary>
    /// Priority outweighs fit: when capacity is short, a higher-priority item is served before a lower one that
    /// matches slightly better. Scaled to [0, 1] across the batch's priorities.
    /// </summary>
    public const double PriorityWeight = 1.0;

    /// <summary>
    /// How much the track record moves the score: times the member's lead over the group in the matched area (decision 0029),
    /// so a newcomer's score is what it would be without records, and a member accepted every time where the group is accepted
    /// four times in five gains about what a tenth more fit gives.
    /// </summary>
    public const double TrackRecordWeight = 0.3;

    /// <summary>
    /// What a group's preference for people or for agents in some work adds to the preferred kind's score (decision 0031): as
    /// much as the declared level and spare capacity together can differ, so of two members the model finds equally fit the
    /// preferred kind wins whatever their levels and load, while a member that fits clearly better (by more than about 0.43 of
    /// affinity) still wins. A bonus, not a filter.
    /// </summary>
    public const double PreferredKindWeight = LevelWeight + SpareCapacityWeight;

    public static List<AssignmentCandidate> Score(
        IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, IReadOnlyDictionary<Guid, int> load, ISkillModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(model);
        return Score(items, agents, load, model.Score(items.Select(ToText).ToList(), agents.Select(ToProfile).ToList(), cancellationToken));
    }

    /// <summary>
    /// Scores the pairs from the model's <paramref name="affinities"/> of the items (rows) to the agents (columns), but for the
    /// items <paramref name="leaveOut"/> names; with <paramref name="shortlist"/>, only those a pass needs
    /// (<see cref="PairWeights.Candidates"/>).
    /// </summary>
    public static List<AssignmentCandidate> Score(
        IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, IReadOnlyDictionary<Guid, int> load, AffinityMatrix affinities,
        TrackRecords? records = null, RoutingPreference? preference = null, IReadOnlySet<int>? leaveOut = null, ShortlistSize? shortlist = null)
        => new PairWeights(items, agents, load, affinities, records, preference).Candidates(leaveOut, shortlist);

    public static WorkItemText ToText(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new WorkItemText(
            item.Id.ToString(), item.Title, FeedbackSteering.ReadWithNotes(item.Description, item.RoutingNotes), item.RequiredSkills, ItemReadings.Of(item));
    }

    /// <summary>
    /// Sorts the agent's skills by id, ordinally: the order every pass and the registration read a card in. A pass's judgements
    /// (ContenderCache) and the model's card cache hold only for the same card read the same way, and a database returns a
    /// join's rows in no promised order, nor sorts text as .NET does.
    /// </summary>
    public static void PutSkillsInOrder(Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        agent.Skills.Sort((a, b) => string.CompareOrdinal(a.SkillId, b.SkillId));
    }

    public static SkillProfile ToProfile(Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new SkillProfile(agent.Id.ToString(), agent.Name, agent.Description,
            agent.Skills.Select(s => new SkillEntry(s.SkillId, s.Name, s.Description, s.Tags, s.Examples, s.Level)).ToList());
    }

    /// <summary>
    /// Whether the member could take the item, capacity aside: it is of the kind the item asks for, has the required skills,
    /// has not stalled on the item and was not steered away from it. A person stands in the pass as a
    /// <see cref="PersonCandidate"/>.
    /// </summary>
    public static bool CouldTake(WorkItem item, Agent agent)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(agent);
        return PersonCandidate.IsKindAsked(item, agent) && !Excluded(item, agent) && HasRequiredSkills(item, agent);
    }

    /// <summary>A member that stalled on this item, or that the item was steered away from, is not offered it again.</summary>
    /// <remarks>
    /// This and the checks below run for every pair a pass weighs (a cold pass: a million), so they loop instead of passing
    /// lambdas: a lambda that captures the member or the skill is a new delegate on every call, and in the swarm benchmark
    /// those delegates were a fifth of all the bytes the server allocated (docs/PERFORMANCE.md).
    /// </remarks>
    internal static bool Excluded(WorkItem item, Agent agent)
    {
        foreach (var attempt in item.Assignments)
        {
            if ((attempt.AgentId ?? attempt.UserId) == agent.Id && (attempt.Outcome == AssignmentOutcome.Stalled || attempt.SteeredAway))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Steering away is a preference, not a ban (decision 0024): an item that no available agent other than those it was
    /// steered away from could take goes back to them rather than waiting forever, its feedback read with its text. The
    /// items are a pass's lean, untracked copies, so this holds for the pass only; a member who could take it coming back
    /// restores the preference on the next pass.
    /// </summary>
    public static void LetBackWhereNoOneElse(IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        foreach (var item in items)
        {
            if (item.Assignments.Any(a => a.SteeredAway) && !agents.Any(agent => CouldTake(item, agent)))
            {
                foreach (var steered in item.Assignments.Where(a => a.SteeredAway))
                {
                    steered.SteeredAway = false;
                }
            }
        }
    }

    private static bool HasRequiredSkills(WorkItem item, Agent agent)
    {
        foreach (var required in item.RequiredSkills)
        {
            if (!HasSkillMeeting(agent, required))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasSkillMeeting(Agent agent, string required)
    {
        foreach (var skill in agent.Skills)
        {
            if (Meets(skill, required))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MeetsAnyOf(AgentSkill skill, List<string> required)
    {
        foreach (var one in required)
        {
            if (Meets(skill, one))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The score's parts, for a reason: taken apart afterwards rather than kept on every pair, since a cold pass weighs millions
    /// of pairs and explains a few. The priority's part is what the rest does not account for.
    /// </summary>
    public static ScoreParts PartsOf(AssignmentCandidate candidate, int load, int capacity)
    {
        var spare = capacity > 0 ? 1 - ((double)load / capacity) : 0;
        var priority = candidate.Score - (AffinityWeight * candidate.Affinity) - (LevelWeight * candidate.Level) - (SpareCapacityWeight * spare)
            - (TrackRecordWeight * candidate.Lead) - (candidate.Preferred ? PreferredKindWeight : 0);
        return new ScoreParts(candidate.Affinity, candidate.Level, Math.Max(0, priority), candidate.Lead);
    }

    /// <summary>The highest declared level among the agent's skills that meet one of the item's required skills or that the model matched best; 0.5 when none.</summary>
    public static double LevelOf(WorkItem item, Agent agent, int bestSkill)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(agent);
        var level = -1.0;
        for (var s = 0; s < agent.Skills.Count; s++)
        {
            var skill = agent.Skills[s];
            if (s == bestSkill || MeetsAnyOf(skill, item.RequiredSkills))
            {
                level = Math.Max(level, skill.Level);
            }
        }

        return level < 0 ? 0.5 : level;
    }

    internal static bool Meets(AgentSkill skill, string required)
    {
        if (string.Equals(skill.SkillId, required, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var tag in skill.Tags)
        {
            if (string.Equals(tag, required, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
