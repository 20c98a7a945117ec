namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// What <see cref="AuctionAssignment.Solve"/> chose, with the agent prices it ended on. Passing the prices to an
/// <see cref="AssignmentBound"/> over every allowed pair of the instance proves how far from the best any assignment
/// could be. <see cref="Auctioned"/> is false where the solve went to <see cref="OptimalAssignment"/> instead; its prices
/// are then all zero (a valid but loose bound). <see cref="ProvenBound"/> is the bound over the candidates where the
/// auction stopped because its total was proven close enough to it, and null otherwise.
/// </summary>
public sealed record AuctionOutcome(List<int> Chosen, double[] AgentPrices, bool Auctioned, double? ProvenBound = null);

/// <summary>
/// The solver for large groups (decision 0022): when items outnumber the slots and every free slot can be filled from
/// the candidates, an auction with ε-scaling fills every slot with a total score within 10⁻⁹ × the best pair's score
/// of the best that fills them all. Otherwise it hands the candidates to the exact <see cref="OptimalAssignment"/>.
/// </summary>
/// <remarks>
/// <para>
/// Items bid for agents' slots; an agent with spare capacity <c>c</c> is <c>c</c> slots, each with its own price, and
/// an item that is not worth a slot to anyone rests on a dummy agent that values every item at zero and holds the
/// items left over (items minus slots). Every item is placed and every slot filled, so the auction solves a perfect
/// assignment — the case where its ε-scaling is sound — and the most-items objective comes for free: every slot is
/// filled, which is the most items there can be. Among the ways to fill them, ε-complementary slackness leaves the
/// total at most items × ε below the best; the last phase's ε makes that 10⁻⁹ × the best score.
/// </para>
/// <para>
/// The same objective as <see cref="AssignmentObjective.MostItemsThenScore"/>, with one change: the score is within
/// the gap above of the best rather than exact. Pairs scored zero or below (or NaN) are never assigned. Deterministic:
/// items bid in index order from a first-in, first-out queue, and of equally valued slots an item takes the one its earlier candidate names.
/// </para>
/// </remarks>
public static class AuctionAssignment
{
    /// <summary>The gap the phases promise when run to the end: 10⁻⁹ of the best total, as good as exact.</summary>
    public const double ExactGap = 1e-9;

    /// <summary>Indexes into <paramref name="candidates"/> of the chosen pairs, in item order.</summary>
    public static List<int> Choose(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount)
        => Solve(candidates, spareCapacity, itemCount, ExactGap).Chosen;

    /// <summary>Indexes of the chosen pairs, stopped once proven within <paramref name="provenGap"/> of the best.</summary>
    public static List<int> Choose(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount, double provenGap)
        => Solve(candidates, spareCapacity, itemCount, provenGap).Chosen;

    /// <summary>The chosen pairs and the agent prices that bound every assignment's total, the phases run to the end.</summary>
    public static AuctionOutcome Solve(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount)
        => Solve(candidates, spareCapacity, itemCount, ExactGap);

    /// <summary>
    /// The chosen pairs and the agent prices that bound every assignment's total. With a <paramref name="provenGap"/>
    /// above <see cref="ExactGap"/> the auction stops at the first phase whose total is proven within that share of
    /// the best over these candidates — every slot still filled.
    /// </summary>
    public static AuctionOutcome Solve(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount, double provenGap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(provenGap);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(spareCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        var market = new AuctionMarket(candidates, spareCapacity, itemCount);
        if (market.Slots > itemCount || !market.EverySlotFillable())
        {
            // Slots to spare, or a slot no item can fill: then which slots stay empty is part of the answer, and the
            // auction's perfect-assignment form does not apply. The exact solver decides.
            return new AuctionOutcome(
                OptimalAssignment.Choose(candidates, spareCapacity, itemCount), new double[spareCapacity.Length], Auctioned: false);
        }

        // Stopped early, the prices that proved the gap are the answer's; run to the end, they are read once now.
        var proof = market.Run(provenGap);
        return new AuctionOutcome(market.Chosen(), proof?.Prices ?? market.AgentPrices(), Auctioned: true, proof?.Bound);
    }
}
