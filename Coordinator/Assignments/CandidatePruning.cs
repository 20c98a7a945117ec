namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Keeps each item's few best agents, so that large groups stay solvable: 40,000 items × 3,000 agents is 120 M
/// pairs, but an item's 16 best agents are all an optimal assignment almost ever needs (see
/// docs/decisions/0011-assignment-solver.md for what it costs in score).
/// </summary>
public static class CandidatePruning
{
    /// <summary>
    /// The candidates that are among their item's <paramref name="perItem"/> best by score (ties to the earlier
    /// candidate), in their original order.
    /// </summary>
    public static List<AssignmentCandidate> TopPerItem(IReadOnlyList<AssignmentCandidate> candidates, int perItem)
        => TopPerItemAndAgent(candidates, perItem, 0);

    /// <summary>
    /// The candidates that are among their item's <paramref name="perItem"/> best or among their agent's
    /// <paramref name="perAgent"/> best (ties to the earlier candidate), in their original order. The agent side matters
    /// when items outnumber slots: items' favourites crowd onto the popular agents, and without it the others are left
    /// with no pair at all.
    /// </summary>
    public static List<AssignmentCandidate> TopPerItemAndAgent(IReadOnlyList<AssignmentCandidate> candidates, int perItem, int perAgent)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perItem);
        ArgumentOutOfRangeException.ThrowIfNegative(perAgent);
        // Read once into arrays, where the marking below takes each pair's group and score from.
        var items = new int[candidates.Count];
        var agents = new int[candidates.Count];
        var scores = new double[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var candidate = candidates[c];
            ArgumentOutOfRangeException.ThrowIfNegative(candidate.Item, nameof(candidates));
            ArgumentOutOfRangeException.ThrowIfNegative(candidate.Agent, nameof(candidates));
            (items[c], agents[c], scores[c]) = (candidate.Item, candidate.Agent, candidate.Score);
        }

        var keep = new bool[candidates.Count];
        Mark(items, scores, perItem, keep);
        if (perAgent > 0)
        {
            Mark(agents, scores, perAgent, keep);
        }

        var kept = new List<AssignmentCandidate>();
        for (var c = 0; c < candidates.Count; c++)
        {
            if (keep[c])
            {
                kept.Add(candidates[c]);
            }
        }

        return kept;
    }

    /// <summary>
    /// Marks the <paramref name="perGroup"/> best candidates of each group (item or agent; <paramref name="groups"/> holds each
    /// candidate's), best by score and, between equal scores, the earlier candidate.
    /// </summary>
    /// <remarks>
    /// A heap per group of its best so far, O(n log k): sorting each group whole, as this did, was 30 % of the assignment
    /// pass's CPU in the swarm (docs/PERFORMANCE.md), 300 agents' thousands of items each sorted to keep 128.
    /// </remarks>
    private static void Mark(int[] groups, double[] scores, int perGroup, bool[] keep)
    {
        var best = new BestOf(groups.Length == 0 ? 0 : groups.Max() + 1, perGroup);
        for (var c = 0; c < groups.Length; c++)
        {
            best.Offer(groups[c], c, scores[c]);
        }

        best.Visit((_, c, _) => keep[c] = true);
    }
}

/// <summary>
/// How a pass keeps its pairs few: above <see cref="Above"/> pairs, each item's <see cref="PerItem"/> best and each agent's
/// <see cref="PerAgent"/> best.
/// </summary>
public readonly record struct ShortlistSize(int Above, int PerItem, int PerAgent);

/// <summary>
/// The streaming form of <see cref="CandidatePruning.TopPerItemAndAgent"/>: offered (item, agent, score) triples one
/// at a time, it keeps each item's best few agents and each agent's best few items in fixed arrays, so the full
/// item × agent list never exists. Ties go to the lower agent (for an item) or the lower item (for an agent).
/// </summary>
public sealed class CandidateShortlist
{
    private readonly BestOf _perItem;
    private readonly BestOf? _perAgent;

    public CandidateShortlist(int itemCount, int perItem, int agentCount = 0, int perAgent = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perItem);
        ArgumentOutOfRangeException.ThrowIfNegative(perAgent);
        _perItem = new BestOf(itemCount, perItem);
        _perAgent = perAgent > 0 ? new BestOf(agentCount, perAgent) : null;
    }

    public int ItemCount => _perItem.Groups;

    /// <summary>Considers one pair; returns whether it is (for now) kept.</summary>
    public bool Offer(int item, int agent, double score)
    {
        var kept = _perItem.Offer(item, agent, score);
        return (_perAgent?.Offer(agent, item, score) ?? false) | kept;
    }

    /// <summary>The kept pairs as candidates, item by item and, within an item, by agent index.</summary>
    public List<AssignmentCandidate> ToCandidates(Func<int, int, double, AssignmentCandidate> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var pairs = new List<(int Item, int Agent, double Score)>();
        _perItem.Visit((group, member, score) => pairs.Add((group, member, score)));
        _perAgent?.Visit((group, member, score) => pairs.Add((member, group, score)));
        pairs.Sort((x, y) => x.Item != y.Item ? x.Item.CompareTo(y.Item) : x.Agent.CompareTo(y.Agent));
        var candidates = new List<AssignmentCandidate>(pairs.Count);
        for (var p = 0; p < pairs.Count; p++)
        {
            if (p == 0 || pairs[p].Item != pairs[p - 1].Item || pairs[p].Agent != pairs[p - 1].Agent)
            {
                candidates.Add(create(pairs[p].Item, pairs[p].Agent, pairs[p].Score));
            }
        }

        return candidates;
    }
}
