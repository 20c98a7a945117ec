using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The candidates an offer is shown with: the item's best-scoring pairs among the members with a free slot, by score, the
/// chosen one always among them. Read off the offered items' pairs in one sweep (<see cref="PairWeights.RowsOf"/>): a pass
/// offers thousands of items, and only their best <see cref="Kept"/> are kept.
/// </summary>
public static class OfferCandidates
{
    /// <summary>Candidates kept per offer, as many as a held item shows (<see cref="RoutingConfidence.Kept"/>).</summary>
    public const int Kept = RoutingConfidence.Kept;

    /// <summary>For each chosen pair, the item's best pairs by score (highest first), the chosen one among them.</summary>
    public static IReadOnlyList<AssignmentCandidate>[] For(IEnumerable<AssignmentCandidate> candidates, IReadOnlyList<AssignmentCandidate> chosen)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(chosen);
        var best = new Dictionary<int, List<AssignmentCandidate>>(chosen.Count);
        foreach (var pick in chosen)
        {
            best[pick.Item] = new List<AssignmentCandidate>(Kept + 1);
        }

        foreach (var candidate in candidates)
        {
            if (best.TryGetValue(candidate.Item, out var top))
            {
                Insert(top, candidate);
            }
        }

        return chosen.Select(pick =>
        {
            var top = best[pick.Item];
            if (!top.Contains(pick))
            {
                // Chosen below the best few (another member's slot went to other work): it still stands in the list, last.
                top[^1] = pick;
            }

            return (IReadOnlyList<AssignmentCandidate>)top;
        }).ToArray();
    }

    /// <summary>
    /// Each offer's candidates as people see them, by score: the chosen one with the offer's reason, the others with theirs
    /// (<paramref name="reasons"/>: the offers', then the runners-up's in order; <paramref name="agents"/>: the pairs' agents). One who scored higher and was not chosen says
    /// why: its slot went to other work of this pass, or the pass found a better total elsewhere.
    /// </summary>
    public static List<RoutingCandidateView>[] Shown(
        IReadOnlyList<AssignmentCandidate> chosen, IReadOnlyList<AssignmentCandidate>[] shortlists, IReadOnlyList<Agent> agents, IReadOnlyList<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(shortlists);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(reasons);
        var given = chosen.Select(c => c.Agent).ToHashSet();
        var next = chosen.Count;
        var shown = new List<RoutingCandidateView>[chosen.Count];
        for (var k = 0; k < chosen.Count; k++)
        {
            var pick = chosen[k];
            shown[k] = new List<RoutingCandidateView>(shortlists[k].Count);
            foreach (var candidate in shortlists[k])
            {
                var isPick = candidate == pick;
                var reason = isPick ? reasons[k] : reasons[next++];
                if (!isPick && candidate.Score > pick.Score)
                {
                    reason = (given.Contains(candidate.Agent) ? "given other work in this pass; " : "passed over for a better total across the pass; ") + reason;
                }

                var agent = agents[candidate.Agent];
                shown[k].Add(new RoutingCandidateView(
                    agent.Id, PersonCandidate.KindName(agent), agent.Name, Math.Round(candidate.Affinity, 3), reason, Math.Round(candidate.Score, 3), isPick));
            }
        }

        return shown;
    }

    private static void Insert(List<AssignmentCandidate> top, AssignmentCandidate candidate)
    {
        var at = top.FindIndex(c => c.Score < candidate.Score);
        if (at < 0 && top.Count >= Kept)
        {
            return;
        }

        top.Insert(at < 0 ? top.Count : at, candidate);
        if (top.Count > Kept)
        {
            top.RemoveAt(Kept);
        }
    }
}
