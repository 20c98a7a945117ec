namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The state of one <see cref="AuctionAssignment"/> solve in flat arrays: each item's pairs best first, each agent's
/// slots as a min-heap of prices (node <c>AgentCount</c> is the dummy that holds the items left over), and who holds
/// what. Nothing on the bidding path allocates.
/// </summary>
internal sealed class AuctionMarket
{
    /// <summary>The last phase's ε as a share of the best score, over the number of items: the total's gap to the best.</summary>
    private const double RelativeGap = 1e-9;

    /// <summary>How much ε shrinks from one phase to the next (Bertsekas suggests 4–10).</summary>
    private const double Scaling = 8;

    private const int OnDummy = -2;

    private readonly int _itemCount;
    private readonly int _agentCount;
    private readonly int[] _itemStart;
    private readonly int[] _edgeCandidate;
    private readonly int[] _edgeAgent;
    private readonly double[] _edgeScore;
    private readonly int[] _agentStart;
    private readonly int[] _agentItems;
    private readonly int[] _slotStart;
    private readonly double[] _price;
    private readonly int[] _holder;
    private readonly int[] _heldEdge;
    private readonly int[] _slotOf;
    private readonly int[] _queue;
    private readonly double _bestScore;
    private readonly int[] _spare;

    public AuctionMarket(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount)
    {
        _itemCount = itemCount;
        _agentCount = spareCapacity.Length;
        _spare = spareCapacity;
        var usable = new List<int>();
        for (var c = 0; c < candidates.Count; c++)
        {
            var candidate = candidates[c];
            if ((uint)candidate.Item >= (uint)itemCount || (uint)candidate.Agent >= (uint)_agentCount)
            {
                throw new ArgumentException(
                    $"Candidate {c} pairs item {candidate.Item} with agent {candidate.Agent}, outside {itemCount} items × {_agentCount} agents.",
                    nameof(candidates));
            }

            if (double.IsFinite(candidate.Score) && candidate.Score > 0 && spareCapacity[candidate.Agent] > 0)
            {
                usable.Add(c);
                _bestScore = Math.Max(_bestScore, candidate.Score);
            }
        }

        _itemStart = new int[itemCount + 1];
        _agentStart = new int[_agentCount + 1];
        foreach (var c in usable)
        {
            _itemStart[candidates[c].Item + 1]++;
            _agentStart[candidates[c].Agent + 1]++;
        }

        Prefix(_itemStart);
        Prefix(_agentStart);
        _edgeCandidate = new int[usable.Count];
        _edgeAgent = new int[usable.Count];
        _edgeScore = new double[usable.Count];
        _agentItems = new int[usable.Count];
        var itemFill = _itemStart[..^1];
        var agentFill = _agentStart[..^1];
        foreach (var c in usable)
        {
            var (item, agent) = (candidates[c].Item, candidates[c].Agent);
            var edge = itemFill[item]++;
            _edgeCandidate[edge] = c;
            _edgeAgent[edge] = agent;
            _edgeScore[edge] = candidates[c].Score;
            _agentItems[agentFill[agent]++] = item;
        }

        // An agent can never hold more items than it has pairs, however large its capacity.
        _slotStart = new int[_agentCount + 2];
        for (var a = 0; a < _agentCount; a++)
        {
            _slotStart[a + 1] = _slotStart[a] + Math.Clamp(spareCapacity[a], 0, _agentStart[a + 1] - _agentStart[a]);
        }

        Slots = _slotStart[_agentCount];
        _slotStart[_agentCount + 1] = Slots + Math.Max(0, itemCount - Slots);
        _price = new double[_slotStart[_agentCount + 1]];
        _holder = new int[_price.Length];
        _heldEdge = new int[itemCount];
        _slotOf = new int[itemCount];
        Array.Fill(_heldEdge, -1);
        _queue = new int[itemCount + 1];
    }

    /// <summary>The agents' slots that some candidate could fill (spare capacity, at most the agent's pairs).</summary>
    public int Slots { get; }

    /// <summary>Whether some assignment of the candidates fills every slot: the condition for the auction to end.</summary>
    public bool EverySlotFillable()
    {
        var capacity = new int[_agentCount];
        for (var a = 0; a < _agentCount; a++)
        {
            capacity[a] = _slotStart[a + 1] - _slotStart[a];
        }

        return SlotFill.Saturates(_agentStart, _agentItems, capacity, _itemCount);
    }

    /// <summary>
    /// Runs the auction's phases, ε shrinking from a quarter of the best score to the final gap, or until the assignment
    /// is proven within <paramref name="provenGap"/> of the best: every phase ends with every slot filled, and the
    /// agents' prices then bound every assignment of these candidates (<see cref="AssignmentBound"/>). Returns that bound
    /// and the prices that prove it where it stopped the run, or null where the phases ran to the end.
    /// </summary>
    public (double Bound, double[] Prices)? Run(double provenGap)
    {
        if (_bestScore <= 0)
        {
            // No pair to assign: every item rests on the dummy, and a zero ε would never let them settle.
            return null;
        }

        var final = _bestScore * RelativeGap / (_itemCount + 1);
        var epsilon = Math.Max(final, _bestScore / 4);
        var first = true;
        while (true)
        {
            Phase(epsilon, first);
            first = false;
            if (epsilon <= final)
            {
                return null;
            }

            // The phases' own promise (items × ε) is far looser than the gap a bound proves: a large market is within a
            // tenth of a percent of its best several phases before ε says so, and each phase is a sweep of bids.
            if (provenGap > RelativeGap && ProofIfWithin(provenGap) is { } proof)
            {
                return proof;
            }

            epsilon = Math.Max(final, epsilon / Scaling);
        }
    }

    /// <summary>The bound from the current prices over these candidates, and the prices, if the total is within the gap of it.</summary>
    private (double Bound, double[] Prices)? ProofIfWithin(double gap)
    {
        var prices = AgentPrices();
        var bound = new AssignmentBound(prices, _spare, _itemCount);
        double total = 0;
        for (var item = 0; item < _itemCount; item++)
        {
            var held = _heldEdge[item];
            total += held >= 0 ? _edgeScore[held] : 0;
            for (var edge = _itemStart[item]; edge < _itemStart[item + 1]; edge++)
            {
                bound.Offer(item, _edgeAgent[edge], _edgeScore[edge]);
            }
        }

        return total >= (1 - gap) * bound.Total ? (bound.Total, prices) : null;
    }

    /// <summary>The chosen candidate indexes, in item order.</summary>
    public List<int> Chosen()
    {
        var chosen = new List<int>(Slots);
        foreach (var edge in _heldEdge)
        {
            if (edge >= 0)
            {
                chosen.Add(_edgeCandidate[edge]);
            }
        }

        return chosen;
    }

    /// <summary>
    /// Each agent's price of a slot (its cheapest) less one level λ, never below zero, for <see cref="AssignmentBound"/>.
    /// Auction prices are fixed only up to a common shift (adding λ to every price changes no choice), but the bound is
    /// not: λ is chosen to make the bound over these candidates smallest. An agent with fewer pairs than spare capacity
    /// holds every item it could, and is priced at zero so that its unusable slots count for nothing.
    /// </summary>
    public double[] AgentPrices()
    {
        var prices = new double[_agentCount];
        var priced = new bool[_agentCount];
        var breakpoints = new List<(double At, long Slope)>();
        long slope = 0;
        for (var a = 0; a < _agentCount; a++)
        {
            var slots = _slotStart[a + 1] - _slotStart[a];
            priced[a] = slots > 0 && slots == _spare[a];
            if (priced[a])
            {
                // Σ spare × max(0, price − λ) falls with λ until λ reaches the price.
                prices[a] = _price[_slotStart[a]];
                slope -= slots;
                breakpoints.Add((prices[a], slots));
            }
        }

        for (var item = 0; item < _itemCount; item++)
        {
            // max(0, best gain at an unpriced agent, best gain at a priced one + λ) rises with λ once the last term leads.
            double shifted = double.NegativeInfinity, fixedGain = 0;
            for (var edge = _itemStart[item]; edge < _itemStart[item + 1]; edge++)
            {
                var agent = _edgeAgent[edge];
                if (priced[agent])
                {
                    shifted = Math.Max(shifted, _edgeScore[edge] - prices[agent]);
                }
                else
                {
                    fixedGain = Math.Max(fixedGain, _edgeScore[edge]);
                }
            }

            if (!double.IsNegativeInfinity(shifted))
            {
                breakpoints.Add((fixedGain - shifted, 1));
            }
        }

        // The bound is convex and piecewise linear in λ: its least value is at the first breakpoint where the slope turns ≥ 0.
        breakpoints.Sort((x, y) => x.At.CompareTo(y.At));
        var level = breakpoints.Count == 0 ? 0 : breakpoints[^1].At;
        foreach (var (at, rise) in breakpoints)
        {
            slope += rise;
            if (slope >= 0)
            {
                level = at;
                break;
            }
        }

        for (var a = 0; a < _agentCount; a++)
        {
            prices[a] = priced[a] ? Math.Max(0, prices[a] - level) : 0;
        }

        Lower(prices);
        return prices;
    }

    /// <summary>
    /// Lowers each agent's price to the least that still covers its pairs given the items' gains at the current prices
    /// (a few rounds of coordinate descent on the bound): forced fills can leave an agent priced above anything it needs.
    /// </summary>
    private void Lower(double[] prices)
    {
        const int rounds = 8;
        var gain = new double[_itemCount];
        var needed = new double[_agentCount];
        for (var round = 0; round < rounds; round++)
        {
            for (var item = 0; item < _itemCount; item++)
            {
                var best = 0.0;
                for (var edge = _itemStart[item]; edge < _itemStart[item + 1]; edge++)
                {
                    best = Math.Max(best, _edgeScore[edge] - prices[_edgeAgent[edge]]);
                }

                gain[item] = best;
            }

            Array.Clear(needed);
            for (var item = 0; item < _itemCount; item++)
            {
                for (var edge = _itemStart[item]; edge < _itemStart[item + 1]; edge++)
                {
                    var agent = _edgeAgent[edge];
                    needed[agent] = Math.Max(needed[agent], _edgeScore[edge] - gain[item]);
                }
            }

            var lowered = false;
            for (var a = 0; a < _agentCount; a++)
            {
                if (needed[a] < prices[a])
                {
                    prices[a] = needed[a];
                    lowered = true;
                }
            }

            if (!lowered)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Prices kept from the coarser phase; items whose slot is no longer within ε of their best are unplaced (on the
    /// first phase, all of them), and bid until every item is placed.
    /// </summary>
    private void Phase(double epsilon, bool first)
    {
        int head = 0, tail = 0;
        if (first)
        {
            Array.Fill(_holder, -1);
            Array.Fill(_heldEdge, -1);
        }

        for (var i = 0; i < _itemCount; i++)
        {
            if (first || !Content(i, epsilon))
            {
                if (!first && _heldEdge[i] != -1)
                {
                    _holder[_slotOf[i]] = -1;

                    _heldEdge[i] = -1;
                }

                _queue[tail++] = i;
            }
        }

        var ring = _queue.Length;
        while (head != tail)
        {
            var item = _queue[head];
            head = (head + 1) % ring;
            var evicted = Bid(item, epsilon);
            if (evicted >= 0)
            {
                _queue[tail] = evicted;
                tail = (tail + 1) % ring;
            }
        }
    }

    /// <summary>Whether the item holds a slot worth at least its best value less ε (ε-complementary slackness).</summary>
    private bool Content(int item, double epsilon)
    {
        var held = _heldEdge[item];
        if (held == -1)
        {
            return false;
        }

        var value = (held == OnDummy ? 0 : _edgeScore[held]) - _price[_slotOf[item]];
        var floor = value + epsilon;
        for (var edge = _itemStart[item]; edge < _itemStart[item + 1]; edge++)
        {
            if (_edgeScore[edge] - _price[_slotStart[_edgeAgent[edge]]] > floor)
            {
                return false;
            }
        }

        var dummy = _agentCount;
        return _slotStart[dummy + 1] == _slotStart[dummy] || -_price[_slotStart[dummy]] <= floor;
    }

    /// <summary>
    /// The item takes the cheapest slot of the node it values most (value = score − price; the dummy's is −price), at
    /// the price that leaves it ε short of indifferent to its next best slot. Returns the item it pushed out, or -1.
    /// </summary>
    private int Bid(int item, double epsilon)
    {
        double best = double.NegativeInfinity, second = double.NegativeInfinity, bestScore = 0;
        int bestNode = -1, bestEdge = -1;
        for (var edge = _itemStart[item]; edge < _itemStart[item + 1]; edge++)
        {
            var agent = _edgeAgent[edge];
            var value = _edgeScore[edge] - _price[_slotStart[agent]];
            if (value > best)
            {
                (second, best, bestNode, bestEdge, bestScore) = (best, value, agent, edge, _edgeScore[edge]);
            }
            else if (value > second)
            {
                second = value;
            }
        }

        var dummy = _agentCount;
        if (_slotStart[dummy + 1] > _slotStart[dummy])
        {
            var value = -_price[_slotStart[dummy]];
            if (value > best)
            {
                (second, best, bestNode, bestEdge, bestScore) = (best, value, dummy, OnDummy, 0);
            }
            else if (value > second)
            {
                second = value;
            }
        }

        if (bestNode < 0)
        {
            return -1;
        }

        // The node's next cheapest slot is an alternative too.
        var (start, end) = (_slotStart[bestNode], _slotStart[bestNode + 1]);
        if (end - start > 1)
        {
            var next = start + 1;
            if (end - start > 2 && _price[start + 2] < _price[next])
            {
                next = start + 2;
            }

            second = Math.Max(second, bestScore - _price[next]);
        }

        if (double.IsNegativeInfinity(second))
        {
            // The only slot it could take: any raise keeps ε-slackness; the smallest keeps the prices, and so the bound, tight.
            second = best;
        }

        var evicted = _holder[start];
        if (evicted >= 0)
        {
            _heldEdge[evicted] = -1;
        }

        _holder[start] = item;
        _slotOf[item] = start;
        _heldEdge[item] = bestEdge;
        // At least one step up, so that rounding can never leave two items trading a slot back and forth at one price.
        var price = _price[start] + (best - second + epsilon);
        _price[start] = price > _price[start] ? price : Math.BitIncrement(_price[start]);
        SiftDown(start, end);
        return evicted;
    }

    /// <summary>Restores the node's slot heap after its cheapest slot's price rose.</summary>
    private void SiftDown(int start, int end)
    {
        var (price, holder) = (_price[start], _holder[start]);
        var at = 0;
        var size = end - start;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= size)
            {
                break;
            }

            if (child + 1 < size && _price[start + child + 1] < _price[start + child])
            {
                child++;
            }

            if (_price[start + child] >= price)
            {
                break;
            }

            _price[start + at] = _price[start + child];
            Hold(start + at, _holder[start + child]);
            at = child;
        }

        _price[start + at] = price;
        Hold(start + at, holder);
    }

    /// <summary>Restores the node's slot heap after the price at <paramref name="slot"/> fell.</summary>
    private void SiftUp(int start, int slot)
    {
        var (price, holder) = (_price[slot], _holder[slot]);
        var at = slot - start;
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (_price[start + parent] <= price)
            {
                break;
            }

            _price[start + at] = _price[start + parent];
            Hold(start + at, _holder[start + parent]);
            at = parent;
        }

        _price[start + at] = price;
        Hold(start + at, holder);
    }

    private void Hold(int slot, int item)
    {
        _holder[slot] = item;
        if (item >= 0)
        {
            _slotOf[item] = slot;
        }
    }

    private static void Prefix(int[] counts)
    {
        for (var i = 1; i < counts.Length; i++)
        {
            counts[i] += counts[i - 1];
        }
    }
}
