namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// For each group, a min-heap of its best members by score (ties to the lower member), worst on top, in fixed arrays: a
/// group's best k of n in O(n log k). Pruning a candidate list (members: the candidates' places in it), the streaming
/// shortlist (members: items or agents) and each agent's best items for its share of a pass's slots
/// (<see cref="PairWeights"/>) all keep their best with it. Every group keeps as many, or each its own number.
/// </summary>
internal sealed class BestOf
{
    private readonly int[] _start;
    private readonly int[] _count;
    private readonly int[] _members;
    private readonly double[] _scores;

    public BestOf(int groups, int size)
        : this(Uniform(groups, size))
    {
    }

    /// <summary>Group g keeps its best <c>sizes[g]</c>.</summary>
    public BestOf(IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        _start = new int[sizes.Count + 1];
        for (var group = 0; group < sizes.Count; group++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(sizes[group], nameof(sizes));
            _start[group + 1] = checked(_start[group] + sizes[group]);
        }

        _count = new int[sizes.Count];
        _members = new int[_start[^1]];
        _scores = new double[_members.Length];
    }

    public int Groups => _count.Length;

    public bool Offer(int group, int member, double score)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)group, (uint)Groups, nameof(group));
        var origin = _start[group];
        var size = _start[group + 1] - origin;
        var count = _count[group];
        if (count < size)
        {
            _count[group] = count + 1;
            SiftUp(origin, count, member, score);
            return true;
        }

        if (size == 0 || !Worse(_scores[origin], _members[origin], score, member))
        {
            return false;
        }

        SiftDown(origin, size, member, score);
        return true;
    }

    /// <summary>Hands each kept (group, member, score) to <paramref name="kept"/>, group by group.</summary>
    public void Visit(Action<int, int, double> kept)
    {
        for (var group = 0; group < _count.Length; group++)
        {
            for (var k = 0; k < _count[group]; k++)
            {
                kept(group, _members[_start[group] + k], _scores[_start[group] + k]);
            }
        }
    }

    private static int[] Uniform(int groups, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(groups);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        _ = checked(groups * size);
        var sizes = new int[groups];
        Array.Fill(sizes, size);
        return sizes;
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

    private void SiftDown(int origin, int size, int member, double score)
    {
        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= size)
            {
                break;
            }

            if (child + 1 < size && Worse(_scores[origin + child + 1], _members[origin + child + 1], _scores[origin + child], _members[origin + child]))
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
