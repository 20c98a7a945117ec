namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// A proven upper bound on the total score of every assignment of an instance (each item at most once, agent
/// <c>a</c> at most <c>spare[a]</c> times, pairs scored ≤ 0 or NaN never), from any prices <c>y ≥ 0</c> on the agents:
/// Σ over items of max(0, max over the item's pairs of score − y[agent]) + Σ over agents of spare × y[agent].
/// </summary>
/// <remarks>
/// Weak LP duality, checked pair by pair: an item assigned to agent <c>a</c> scores at most its term plus
/// <c>y[a]</c>, and agent <c>a</c> pays out <c>y[a]</c> at most <c>spare[a]</c> times. The bound holds for the pairs
/// offered, so offer every allowed pair of the instance — not a shortlist — to bound the instance; a solver's pairs
/// can only score less. <see cref="AuctionAssignment"/>'s prices make it tight.
/// </remarks>
public sealed class AssignmentBound
{
    private readonly double[] _agentPrices;
    private readonly int[] _spareCapacity;
    private readonly double[] _itemProfit;

    public AssignmentBound(IReadOnlyList<double> agentPrices, int[] spareCapacity, int itemCount)
    {
        ArgumentNullException.ThrowIfNull(agentPrices);
        ArgumentNullException.ThrowIfNull(spareCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        if (agentPrices.Count != spareCapacity.Length)
        {
            throw new ArgumentException($"{agentPrices.Count} prices for {spareCapacity.Length} agents.", nameof(agentPrices));
        }

        if (agentPrices.Any(p => !double.IsFinite(p) || p < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(agentPrices), "Prices must be finite and not negative.");
        }

        _agentPrices = [.. agentPrices];
        _spareCapacity = spareCapacity;
        _itemProfit = new double[itemCount];
    }

    /// <summary>The bound over the pairs offered so far.</summary>
    public double Total
    {
        get
        {
            var total = _itemProfit.Sum();
            for (var a = 0; a < _agentPrices.Length; a++)
            {
                total += Math.Max(0, _spareCapacity[a]) * _agentPrices[a];
            }

            return total;
        }
    }

    /// <summary>Counts one allowed pair of the instance.</summary>
    public void Offer(int item, int agent, double score)
    {
        if (double.IsFinite(score) && score > 0 && _spareCapacity[agent] > 0)
        {
            _itemProfit[item] = Math.Max(_itemProfit[item], score - _agentPrices[agent]);
        }
    }
}
