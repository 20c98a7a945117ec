namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The candidates of one <see cref="OptimalAssignment"/> solve as flat arrays: each item's pairs, each agent's pairs
/// best first, which pair holds each item and which items each agent holds. Built once per solve; nothing on the
/// search's hot path allocates.
/// </summary>
internal sealed class OptimalAssignmentNetwork
{
    private readonly double[] _score;
    private readonly int[] _item;
    private readonly int[] _agent;
    private readonly int[] _itemStart;
    private readonly int[] _itemEdges;
    private readonly int[] _agentStart;
    private readonly int[] _agentEdges;
    private readonly int[] _agentNext;
    private readonly int[] _assigned;
    private readonly int[] _slotStart;
    private readonly int[] _held;
    private readonly int[] _slots;
    private readonly int[] _slotOf;

    public OptimalAssignmentNetwork(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount)
    {
        var count = candidates.Count;
        AgentCount = spareCapacity.Length;
        _score = new double[count];
        _item = new int[count];
        _agent = new int[count];
        _itemStart = new int[itemCount + 1];
        _agentStart = new int[AgentCount + 1];
        var usable = 0;
        for (var c = 0; c < count; c++)
        {
            var candidate = candidates[c];
            if ((uint)candidate.Item >= (uint)itemCount || (uint)candidate.Agent >= (uint)AgentCount)
            {
                throw new ArgumentException(
                    $"Candidate {c} pairs item {candidate.Item} with agent {candidate.Agent}, outside {itemCount} items × {AgentCount} agents.",
                    nameof(candidates));
            }

            _item[c] = candidate.Item;
            _agent[c] = candidate.Agent;
            _score[c] = candidate.Score;
            if (Usable(c, spareCapacity))
            {
                _itemStart[candidate.Item + 1]++;
                _agentStart[candidate.Agent + 1]++;
                usable++;
            }
        }

        Prefix(_itemStart);
        Prefix(_agentStart);
        _itemEdges = new int[usable];
        _agentEdges = new int[usable];
        var itemFill = _itemStart[..^1];
        var agentFill = _agentStart[..^1];
        for (var c = 0; c < count; c++)
        {
            if (Usable(c, spareCapacity))
            {
                _itemEdges[itemFill[_item[c]]++] = c;
                _agentEdges[agentFill[_agent[c]]++] = c;
            }
        }

        var score = _score;
        Comparison<int> bestFirst = (x, y) =>
        {
            var byScore = score[y].CompareTo(score[x]);
            return byScore != 0 ? byScore : x.CompareTo(y);
        };
        _agentNext = new int[AgentCount];
        _slotStart = new int[AgentCount + 1];
        for (var a = 0; a < AgentCount; a++)
        {
            var degree = _agentStart[a + 1] - _agentStart[a];
            _agentEdges.AsSpan(_agentStart[a], degree).Sort(bestFirst);
            _agentNext[a] = _agentStart[a];
            // An agent can never hold more items than it has pairs, however large its capacity.
            _slotStart[a + 1] = _slotStart[a] + Math.Clamp(spareCapacity[a], 0, degree);
        }

        _held = new int[AgentCount];
        _slots = new int[_slotStart[AgentCount]];
        _slotOf = new int[itemCount];
        _assigned = new int[itemCount];
        Array.Fill(_assigned, -1);
    }

    public int AgentCount { get; }

    public double Score(int edge) => _score[edge];

    public int Agent(int edge) => _agent[edge];

    public int AssignedEdge(int item) => _assigned[item];

    public bool HasRoom(int agent) => _held[agent] < _slotStart[agent + 1] - _slotStart[agent];

    public ReadOnlySpan<int> ItemsOf(int agent) => _slots.AsSpan(_slotStart[agent], _held[agent]);

    public ReadOnlySpan<int> EdgesOf(int item) => _itemEdges.AsSpan(_itemStart[item], _itemStart[item + 1] - _itemStart[item]);

    /// <summary>The agent's best pair whose item is still free, or -1. Items never become free again, so this only advances.</summary>
    public int BestFreeEdge(int agent)
    {
        var next = _agentNext[agent];
        var end = _agentStart[agent + 1];
        while (next < end && _assigned[_item[_agentEdges[next]]] >= 0)
        {
            next++;
        }

        _agentNext[agent] = next;
        return next < end ? _agentEdges[next] : -1;
    }

    /// <summary>Gives the edge's item to the edge's agent; returns the agent that held it before, or -1 if it was free.</summary>
    public int Take(int edge)
    {
        var item = _item[edge];
        var agent = _agent[edge];
        var previous = _assigned[item];
        var from = previous < 0 ? -1 : _agent[previous];
        if (from >= 0)
        {
            // Swap-remove from the previous holder's slots.
            var last = _slots[_slotStart[from] + --_held[from]];
            _slots[_slotOf[item]] = last;
            _slotOf[last] = _slotOf[item];
        }

        var slot = _slotStart[agent] + _held[agent]++;
        _slots[slot] = item;
        _slotOf[item] = slot;
        _assigned[item] = edge;
        return from;
    }

    /// <summary>The chosen candidate indexes, in item order.</summary>
    public List<int> Chosen()
    {
        var chosen = new List<int>();
        foreach (var edge in _assigned)
        {
            if (edge >= 0)
            {
                chosen.Add(edge);
            }
        }

        return chosen;
    }

    private static void Prefix(int[] counts)
    {
        for (var i = 1; i < counts.Length; i++)
        {
            counts[i] += counts[i - 1];
        }
    }

    private bool Usable(int edge, int[] spareCapacity) => double.IsFinite(_score[edge]) && _score[edge] > 0 && spareCapacity[_agent[edge]] > 0;
}
