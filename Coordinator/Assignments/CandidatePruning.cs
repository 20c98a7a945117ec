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
        // Read once into arrays: the marking below looks at each pair's score many times.
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
    /// Each group's best are chosen with a heap of the best so far whose root is the worst of them, O(n log k): sorting each
    /// group whole, as this did, was a quarter of the assignment pass's CPU in the swarm (docs/PERFORMANCE.md), 300 agents'
    /// thousands of items each sorted to keep 128.
    /// </remarks>
    private static void Mark(int[] groups, double[] scores, int perGroup, bool[] keep)
    {
        var groupCount = 0;
        foreach (var group in groups)
        {
            groupCount = Math.Max(groupCount, group + 1);
        }

        var start = new int[groupCount + 1];
        foreach (var group in groups)
        {
            start[group + 1]++;
        }

        for (var g = 1; g < start.Length; g++)
        {
            start[g] += start[g - 1];
        }

        var byGroup = new int[groups.Length];
        var fill = start[..^1];
        for (var c = 0; c < groups.Length; c++)
        {
            byGroup[fill[groups[c]]++] = c;
        }

        // The root is the worst kept: the lower score, then the later candidate.
        var kept = new PriorityQueue<int, int>(perGroup + 1, Comparer<int>.Create((x, y) =>
        {
            var byScore = scores[x].CompareTo(scores[y]);
            return byScore != 0 ? byScore : y.CompareTo(x);
        }));
        for (var g = 0; g < groupCount; g++)
        {
            var segment = byGroup.AsSpan(start[g], start[g + 1] - start[g]);
            if (segment.Length <= perGroup)
            {
                foreach (var c in segment)
                {
                    keep[c] = true;
                }

                continue;
            }

            foreach (var c in segment)
            {
                if (kept.Count < perGroup)
                {
                    kept.Enqueue(c, c);
                }
                else if (Better(c, kept.Peek(), scores))
                {
                    kept.DequeueEnqueue(c, c);
                }
            }

            while (kept.TryDequeue(out var c, out _))
            {
                keep[c] = true;
            }
        }
    }

    private static bool Better(int candidate, int than, double[] scores)
    {
        var byScore = scores[candidate].CompareTo(scores[than]);
        return byScore > 0 || (byScore == 0 && candidate < than);
    }
}

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
        _perItem.AddTo(pairs, (group, member, score) => (group, member, score));
        _perAgent?.AddTo(pairs, (group, member, score) => (member, group, score));
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

    /// <summary>For each group, a min-heap of its best members by score (ties to the lower member), worst on top.</summary>
    private sealed class BestOf
    {
        private readonly int _size;
        private readonly int[] _count;
        private readonly int[] _members;
        private readonly double[] _scores;

        public BestOf(int groups, int size)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(groups);
            _size = size;
            _count = new int[groups];
            _members = new int[checked(groups * size)];
            _scores = new double[_members.Length];
        }

        public int Groups => _count.Length;

        public bool Offer(int group, int member, double score)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)group, (uint)Groups, nameof(group));
            var origin = group * _size;
            var count = _count[group];
            if (count < _size)
            {
                _count[group] = count + 1;
                SiftUp(origin, count, member, score);
                return true;
            }

            if (!Worse(_scores[origin], _members[origin], score, member))
            {
                return false;
            }

            SiftDown(origin, member, score);
            return true;
        }

        public void AddTo<T>(List<T> pairs, Func<int, int, double, T> pair)
        {
            for (var group = 0; group < _count.Length; group++)
            {
                for (var k = 0; k < _count[group]; k++)
                {
                    pairs.Add(pair(group, _members[(group * _size) + k], _scores[(group * _size) + k]));
                }
            }
        }

        /// <summary>Whether (score, member) ranks below (otherScore, otherMember).</summary>
        private static bool Worse(double score, int member, double otherScore, int otherMember)
            => score < otherScore || (score == otherScore && member > otherMember);

        private void SiftUp(int origin, int at, int member, double score)
        {
            while (at > 0)
            {
                var parent = (at - 1) / 2;
                if (!Worse(score, member, _scores[origin + parent], _members[origin + parent]))
                {
                    break;
                }

                Place(origin, at, _members[origin + parent], _scores[origin + parent]);
                at = parent;
            }

            Place(origin, at, member, score);
        }

        private void SiftDown(int origin, int member, double score)
        {
            var at = 0;
            while (true)
            {
                var child = (2 * at) + 1;
                if (child >= _size)
                {
                    break;
                }

                if (child + 1 < _size && Worse(_scores[origin + child + 1], _members[origin + child + 1], _scores[origin + child], _members[origin + child]))
                {
                    child++;
                }

                if (!Worse(_scores[origin + child], _members[origin + child], score, member))
                {
                    break;
                }

                Place(origin, at, _members[origin + child], _scores[origin + child]);
                at = child;
            }

            Place(origin, at, member, score);
        }

        private void Place(int origin, int at, int member, double score)
        {
            _members[origin + at] = member;
            _scores[origin + at] = score;
        }
    }
}
