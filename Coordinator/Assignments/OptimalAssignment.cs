namespace ClawGroups.Coordinator.Assignments;

/// <summary>What <see cref="OptimalAssignment"/> maximizes.</summary>
public enum AssignmentObjective
{
    /// <summary>
    /// As many items as possible; among the ways to assign that many, the highest total score. Keeps agents busy:
    /// a pair is never left idle to make room for a slightly better one.
    /// </summary>
    MostItemsThenScore,

    /// <summary>
    /// The highest total score; among the ways to reach it, as many items as possible. May leave an item idle where
    /// assigning it would have moved another item to a worse agent.
    /// </summary>
    HighestScore,
}

/// <summary>
/// The exact solver: a maximum-weight b-matching between items and agents (each item at most once, agent
/// <c>a</c> at most <c>spareCapacity[a]</c> times), found as a min-cost flow by successive shortest paths.
/// </summary>
/// <remarks>
/// <para>
/// Only pairs with a finite score above zero take part; a pair scored zero or below (or NaN) is never assigned.
/// </para>
/// <para>
/// The flow network is source → item (capacity 1) → agent (cost −score) → sink (capacity spare). Each augmenting
/// path adds one item, possibly moving already assigned items along a chain of agents; after <c>f</c> paths the
/// assignment has the highest total score of any with <c>f</c> items, and path costs never decrease. Running
/// until no path is left therefore gives the most items and, among those, the highest score
/// (<see cref="AssignmentObjective.MostItemsThenScore"/>) — exactly, without the precision loss of adding a large
/// constant to every score. Stopping before the first path that would lower the total gives
/// <see cref="AssignmentObjective.HighestScore"/>, with ties in total broken towards more items.
/// </para>
/// <para>
/// Items are contracted out of the graph: Dijkstra (with potentials, stopped when the sink is settled) runs over
/// agents only, entering each agent through its best still-free item and moving between agents through the
/// items they hold. One path costs O(A log A + edges out of the items settled agents hold), and there are at
/// most min(items, total capacity) paths.
/// </para>
/// <para>
/// Deterministic: the same input gives the same answer. Where several assignments are equally good, which one is
/// returned follows candidate order (better-scored, then lower-indexed pairs are tried first), not chance.
/// </para>
/// </remarks>
public static class OptimalAssignment
{
    /// <summary>Path costs this close to zero count as zero, so float noise does not decide a tie.</summary>
    private const double Tolerance = 1e-12;

    /// <summary>
    /// Indexes into <paramref name="candidates"/> of the chosen pairs, in no particular order; the most items, then the
    /// highest total score (<see cref="AssignmentObjective.MostItemsThenScore"/>).
    /// </summary>
    public static List<int> Choose(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount)
        => Choose(candidates, spareCapacity, itemCount, AssignmentObjective.MostItemsThenScore);

    /// <summary>Indexes into <paramref name="candidates"/> of the chosen pairs, best by <paramref name="objective"/>.</summary>
    public static List<int> Choose(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount, AssignmentObjective objective)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(spareCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        var network = new OptimalAssignmentNetwork(candidates, spareCapacity, itemCount);
        var search = new Search(network);
        while (search.Run())
        {
            if (objective == AssignmentObjective.HighestScore && search.PathCost > Tolerance)
            {
                break;
            }

            search.Augment();
        }

        return network.Chosen();
    }

    /// <summary>One Dijkstra over agents (node <c>A</c> is the sink) and the augmentation along its path.</summary>
    private sealed class Search
    {
        private readonly OptimalAssignmentNetwork _net;
        private readonly double[] _potential;
        private readonly double[] _distance;
        private readonly int[] _enteredBy;
        private readonly bool[] _settled;
        private readonly NodeHeap _heap;
        private readonly int _sink;
        private double _sinkPotential;
        private int _lastAgent;

        public Search(OptimalAssignmentNetwork network)
        {
            _net = network;
            _sink = network.AgentCount;
            _potential = new double[_sink];
            _distance = new double[_sink + 1];
            _enteredBy = new int[_sink + 1];
            _settled = new bool[_sink + 1];
            _heap = new NodeHeap(_sink + 1);

            // Valid starting potentials for the empty flow: every reduced cost is then ≥ 0.
            _sinkPotential = 0;
            for (var a = 0; a < _sink; a++)
            {
                var best = network.BestFreeEdge(a);
                _potential[a] = best < 0 ? 0 : -network.Score(best);
                _sinkPotential = Math.Min(_sinkPotential, _potential[a]);
            }
        }

        /// <summary>
        /// The real (not reduced) cost of the path just found, minus the score it adds: after the update in
        /// <see cref="Run"/> the sink's potential is its true distance from the source.
        /// </summary>
        public double PathCost => _sinkPotential;

        /// <summary>Finds the cheapest path from a free item to an agent with room; false when none is left.</summary>
        public bool Run()
        {
            Array.Fill(_distance, double.PositiveInfinity);
            Array.Clear(_settled);
            _heap.Clear();
            for (var a = 0; a < _sink; a++)
            {
                var edge = _net.BestFreeEdge(a);
                if (edge >= 0)
                {
                    Offer(a, Math.Max(0, -_net.Score(edge) - _potential[a]), edge);
                }
            }

            var sinkDistance = double.PositiveInfinity;
            while (_heap.Count > 0)
            {
                var node = _heap.Pop(_distance);
                _settled[node] = true;
                if (node == _sink)
                {
                    sinkDistance = _distance[_sink];
                    break;
                }

                var here = _distance[node];
                if (_net.HasRoom(node))
                {
                    Offer(_sink, here + Math.Max(0, _potential[node] - _sinkPotential), node);
                }

                // Move one of this agent's items to another agent: give up its score here, gain the other's.
                foreach (var item in _net.ItemsOf(node))
                {
                    var held = _net.Score(_net.AssignedEdge(item));
                    foreach (var edge in _net.EdgesOf(item))
                    {
                        var to = _net.Agent(edge);
                        if (!_settled[to])
                        {
                            var reduced = held - _net.Score(edge) + _potential[node] - _potential[to];
                            Offer(to, here + Math.Max(0, reduced), edge);
                        }
                    }
                }
            }

            if (double.IsPositiveInfinity(sinkDistance))
            {
                return false;
            }

            // Settled nodes keep their distance, the rest are capped at the sink's: reduced costs stay ≥ 0.
            for (var a = 0; a < _sink; a++)
            {
                _potential[a] += Math.Min(_distance[a], sinkDistance);
            }

            _sinkPotential += sinkDistance;
            _lastAgent = _enteredBy[_sink];
            return true;
        }

        /// <summary>Walks the path back from the agent with room, moving each item one agent along.</summary>
        public void Augment()
        {
            var agent = _lastAgent;
            while (true)
            {
                var edge = _enteredBy[agent];
                var from = _net.Take(edge);
                if (from < 0)
                {
                    return;
                }

                agent = from;
            }
        }

        private void Offer(int node, double distance, int via)
        {
            if (distance < _distance[node])
            {
                _distance[node] = distance;
                _enteredBy[node] = via;
                _heap.Upsert(node, _distance);
            }
        }
    }

    /// <summary>A binary heap of node ids keyed by distance, ties to the lower id, with decrease-key.</summary>
    private sealed class NodeHeap(int capacity)
    {
        private readonly int[] _nodes = new int[capacity];
        private readonly int[] _position = CreatePositions(capacity);

        public int Count { get; private set; }

        public void Clear()
        {
            for (var i = 0; i < Count; i++)
            {
                _position[_nodes[i]] = -1;
            }

            Count = 0;
        }

        public void Upsert(int node, double[] key)
        {
            var at = _position[node];
            if (at < 0)
            {
                at = Count++;
                _nodes[at] = node;
                _position[node] = at;
            }

            Up(at, key);
        }

        public int Pop(double[] key)
        {
            var top = _nodes[0];
            _position[top] = -1;
            Count--;
            if (Count > 0)
            {
                _nodes[0] = _nodes[Count];
                _position[_nodes[0]] = 0;
                Down(0, key);
            }

            return top;
        }

        private static int[] CreatePositions(int capacity)
        {
            var positions = new int[capacity];
            Array.Fill(positions, -1);
            return positions;
        }

        private static bool Less(int x, int y, double[] key) => key[x] < key[y] || (key[x] == key[y] && x < y);

        private void Up(int at, double[] key)
        {
            var node = _nodes[at];
            while (at > 0)
            {
                var parent = (at - 1) / 2;
                if (!Less(node, _nodes[parent], key))
                {
                    break;
                }

                Place(_nodes[parent], at);
                at = parent;
            }

            Place(node, at);
        }

        private void Down(int at, double[] key)
        {
            var node = _nodes[at];
            while (true)
            {
                var child = (2 * at) + 1;
                if (child >= Count)
                {
                    break;
                }

                if (child + 1 < Count && Less(_nodes[child + 1], _nodes[child], key))
                {
                    child++;
                }

                if (!Less(_nodes[child], node, key))
                {
                    break;
                }

                Place(_nodes[child], at);
                at = child;
            }

            Place(node, at);
        }

        private void Place(int node, int at)
        {
            _nodes[at] = node;
            _position[node] = at;
        }
    }
}
