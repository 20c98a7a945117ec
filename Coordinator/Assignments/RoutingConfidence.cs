using ClawGroups.Coordinator.Access;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>One member who could take an item, with the model's affinity and the index of the skill it matched (-1: none).</summary>
public readonly record struct Contender(int Agent, double Affinity, int BestSkill);

/// <summary>
/// An item's best contenders, best affinity first, one per card: at most <see cref="RoutingConfidence.Kept"/>, the most a
/// person is shown. <paramref name="CardOf"/> gives, for each agent of the pass, the first agent with the same card.
/// </summary>
public sealed record Contenders(IReadOnlyList<Contender> Best, IReadOnlyList<int> CardOf)
{
    /// <summary>The margin between the best and the second-best affinity; 1 with fewer than two contenders (no one to confuse).</summary>
    public double Confidence => Best.Count < 2 ? 1 : Best[0].Affinity - Best[1].Affinity;

    /// <summary>The best affinity among the contenders with another card than <paramref name="agent"/>'s, or null when there is none.</summary>
    public double? NextBestTo(int agent) => Best.Where(c => CardOf[c.Agent] != CardOf[agent]).Select(c => (double?)c.Affinity).FirstOrDefault();
}

/// <summary>
/// How sure the model is of who should take an item: the margin between the best and the second-best member's affinity,
/// among the members who could take it (required skills met, not excluded; capacity aside, since a busy member may
/// still be the right one). When two or more could and the margin is under the group's minimum, the item is not offered
/// blindly: it waits for a person to route it. Agents with the same card (replicas of one agent, which the model cannot
/// and need not tell apart) count as one contender.
/// </summary>
public static class RoutingConfidence
{
    /// <summary>Contenders kept per item: the candidates a person chooses among.</summary>
    public const int Kept = 3;

    public static IReadOnlyList<Contenders> Rank(IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, AffinityMatrix affinities)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(affinities);
        var cardOf = CardsOf(agents);
        var ranked = new Contenders[items.Count];
        var best = new List<Contender>(Kept + 1);
        for (var i = 0; i < items.Count; i++)
        {
            best.Clear();
            for (var a = 0; a < agents.Count; a++)
            {
                if (!AssignmentCandidates.CouldTake(items[i], agents[a]))
                {
                    continue;
                }

                var contender = new Contender(a, affinities.Score(i, a), affinities.BestSkill(i, a));
                var replica = best.FindIndex(c => cardOf[c.Agent] == cardOf[a]);
                if (replica >= 0 && best[replica].Affinity >= contender.Affinity)
                {
                    continue;
                }

                if (replica >= 0)
                {
                    best.RemoveAt(replica);
                }

                // Only the best few are kept: a pass may weigh thousands of items against hundreds of agents.
                var at = best.FindIndex(c => c.Affinity < contender.Affinity);
                best.Insert(at >= 0 ? at : best.Count, contender);
                if (best.Count > Kept)
                {
                    best.RemoveAt(Kept);
                }
            }

            ranked[i] = new Contenders(best.ToArray(), cardOf);
        }

        return ranked;
    }

    /// <summary>Whether the item waits for a person: two or more could take it and the model cannot tell them apart well enough.</summary>
    public static bool NeedsPerson(Contenders contenders, double minimum)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        return minimum > 0 && contenders.Best.Count >= 2 && contenders.Confidence < minimum;
    }

    /// <summary>For each agent, the first agent whose card reads the same (description and skills; name and levels aside).</summary>
    private static int[] CardsOf(IReadOnlyList<Agent> agents)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var cardOf = new int[agents.Count];
        for (var a = 0; a < agents.Count; a++)
        {
            var card = ClawJson.Serialize(new
            {
                agents[a].Description,
                Skills = agents[a].Skills.Select(s => new { s.SkillId, s.Name, s.Description, s.Tags, s.Examples }),
            });
            cardOf[a] = first.TryAdd(card, a) ? a : first[card];
        }

        return cardOf;
    }
}
