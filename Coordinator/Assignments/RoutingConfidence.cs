using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>One member who could take an item, with the model's affinity and the index of the skill it matched (-1: none).</summary>
public readonly record struct Contender(int Agent, double Affinity, int BestSkill);

/// <summary>
/// An item's best contenders, best affinity first, one per matched skill: at most <see cref="RoutingConfidence.Kept"/>, the most
/// a person is shown. <paramref name="Matches"/> says which members' skills read the same.
/// </summary>
public sealed record Contenders(IReadOnlyList<Contender> Best, SkillMatches Matches)
{
    /// <summary>The margin between the best and the second-best affinity; 1 with fewer than two contenders (no one to confuse).</summary>
    public double Confidence => Best.Count < 2 ? 1 : Best[0].Affinity - Best[1].Affinity;

    /// <summary>
    /// The best affinity among the contenders matched by another skill than <paramref name="agent"/>'s skill
    /// <paramref name="skill"/>, or null when there is none.
    /// </summary>
    public double? NextBestTo(int agent, int skill)
    {
        var kind = Matches.KindOf(agent, skill);
        return Best.Where(c => Matches.KindOf(c.Agent, c.BestSkill) != kind).Select(c => (double?)c.Affinity).FirstOrDefault();
    }
}

/// <summary>
/// Which members' skills read the same (id, name, description, tags and examples; the member's name, description and level
/// aside): for each agent of a pass and each of its skills, a number shared by every skill that reads the same. A member
/// matched by no skill is a kind of its own. Made on every pass from the roster's shared skill rows
/// (<see cref="AgentSkillCache"/>), so nothing is built for it: skills are compared field by field and the roster is
/// hashed field by field. It serialised each skill to JSON and hashed the joined roster: ~4 % of all a swarm's server
/// allocated (docs/PERFORMANCE.md, "The large object heap's threshold again; where SQLite's share goes").
/// </summary>
public sealed class SkillMatches
{
    private readonly int[][] _kinds;

    public SkillMatches(IReadOnlyList<Agent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var first = new Dictionary<AgentSkill, int>(ReadsTheSame.Instance);
        using var roster = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _kinds = new int[agents.Count][];
        for (var a = 0; a < agents.Count; a++)
        {
            var agent = agents[a];
            FieldHash.Append(roster, agent.Id);
            FieldHash.Append(roster, agent.Description);
            FieldHash.Append(roster, agent.Skills.Count);
            var kinds = new int[agent.Skills.Count];
            for (var s = 0; s < kinds.Length; s++)
            {
                var skill = agent.Skills[s];
                FieldHash.AppendSkill(roster, skill.SkillId, skill.Name, skill.Description, skill.Tags, skill.Examples);
                ref var kind = ref CollectionsMarshal.GetValueRefOrAddDefault(first, skill, out var seen);
                if (!seen)
                {
                    kind = first.Count - 1;
                }

                kinds[s] = kind;
            }

            _kinds[a] = kinds;
        }

        Fingerprint = FieldHash.HexAndReset(roster);
    }

    /// <summary>
    /// The roster the kinds were made from: the agents in order with their descriptions and skills in order, everything that
    /// decides their contenders' affinities and indices. Equal fingerprints mean a judgement made against one roster holds
    /// for the other.
    /// </summary>
    public string Fingerprint { get; }

    public int KindOf(int agent, int skill) =>
        skill >= 0 && skill < _kinds[agent].Length ? _kinds[agent][skill] : -1 - agent;

    /// <summary>Skills that read the same: equal ids, names, descriptions, tags and examples, in order; whose they are and their level aside.</summary>
    private sealed class ReadsTheSame : IEqualityComparer<AgentSkill>
    {
        public static readonly ReadsTheSame Instance = new();

        public bool Equals(AgentSkill? x, AgentSkill? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null
                && string.Equals(x.SkillId, y.SkillId, StringComparison.Ordinal)
                && string.Equals(x.Name, y.Name, StringComparison.Ordinal)
                && string.Equals(x.Description, y.Description, StringComparison.Ordinal)
                && x.Tags.SequenceEqual(y.Tags, StringComparer.Ordinal)
                && x.Examples.SequenceEqual(y.Examples, StringComparer.Ordinal));

        public int GetHashCode(AgentSkill obj) =>
            HashCode.Combine(
                StringComparer.Ordinal.GetHashCode(obj.SkillId), StringComparer.Ordinal.GetHashCode(obj.Name),
                StringComparer.Ordinal.GetHashCode(obj.Description), obj.Tags.Count, obj.Examples.Count);
    }
}

/// <summary>
/// How sure the model is of who should take an item: the margin between the best and the second-best member's affinity,
/// among the members who could take it (required skills met, not excluded; capacity aside, since a busy member may
/// still be the right one). When two or more could and the margin is under the group's minimum, the item is not offered
/// blindly: it waits for a person to route it. Members matched by skills that read the same count as one contender:
/// replicas of one agent, and at scale the many members who share a skill, whom the model cannot and need not tell apart
/// (the margin between them says whose description reads closer, not which kind of work this is).
/// </summary>
public static class RoutingConfidence
{
    /// <summary>Contenders kept per item: the candidates a person chooses among.</summary>
    public const int Kept = 3;

    public static IReadOnlyList<Contenders> Rank(IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, AffinityMatrix affinities)
        => Rank(items, agents, affinities, new SkillMatches(agents));

    /// <summary>Ranks with the kinds of skill a pass already worked out for its agents.</summary>
    public static IReadOnlyList<Contenders> Rank(IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, AffinityMatrix affinities, SkillMatches matches)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(affinities);
        ArgumentNullException.ThrowIfNull(matches);
        var ranked = new Contenders[items.Count];
        var best = new List<Contender>(Kept + 1);
        var requirements = new RequiredSkills(items, agents);
        for (var i = 0; i < items.Count; i++)
        {
            best.Clear();
            for (var a = 0; a < agents.Count; a++)
            {
                // With the best few found, one no better than the last of them changes nothing (kept out, or replacing a
                // better one of its kind): skipped before anything else is looked up, as most of a cold pass's million are.
                var affinity = affinities.Score(i, a);
                if (best.Count == Kept && affinity <= best[Kept - 1].Affinity)
                {
                    continue;
                }

                if (!requirements.CouldTake(i, a))
                {
                    continue;
                }

                var contender = new Contender(a, affinity, affinities.BestSkill(i, a));
                var kind = matches.KindOf(a, contender.BestSkill);
                var replica = IndexOfKind(best, matches, kind);
                if (replica >= 0 && best[replica].Affinity >= contender.Affinity)
                {
                    continue;
                }

                if (replica >= 0)
                {
                    best.RemoveAt(replica);
                }

                // Only the best few are kept: a pass may weigh thousands of items against hundreds of agents.
                var at = 0;
                while (at < best.Count && best[at].Affinity >= contender.Affinity)
                {
                    at++;
                }

                best.Insert(at, contender);
                if (best.Count > Kept)
                {
                    best.RemoveAt(Kept);
                }
            }

            ranked[i] = new Contenders(best.ToArray(), matches);
        }

        return ranked;
    }

    private static int IndexOfKind(List<Contender> best, SkillMatches matches, int kind)
    {
        for (var c = 0; c < best.Count; c++)
        {
            if (matches.KindOf(best[c].Agent, best[c].BestSkill) == kind)
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>Whether the item waits for a person: two or more could take it and the model cannot tell them apart well enough.</summary>
    public static bool NeedsPerson(Contenders contenders, double minimum)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        return minimum > 0 && contenders.Best.Count >= 2 && contenders.Confidence < minimum;
    }
}
