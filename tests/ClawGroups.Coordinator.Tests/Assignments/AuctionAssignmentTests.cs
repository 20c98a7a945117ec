using ClawGroups.Coordinator.Assignments;
using static ClawGroups.Coordinator.Tests.Assignments.AssignmentCase;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class AuctionAssignmentTests
{
    private const int RandomCases = 300;

    /// <summary>The auction's promise: within 10⁻⁹ × the best score of the best total; far below this.</summary>
    private const double Tolerance = 1e-7;

    public static TheoryData<string> Generators => ["random", "crowded"];

    [Theory]
    [MemberData(nameof(Generators))]
    public void Auction_matches_brute_force_in_items_and_total_score_on_small_random_cases(string generator)
    {
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Case(generator, seed);

            var chosen = AuctionAssignment.Choose(problem.Candidates, problem.SpareCapacity, problem.ItemCount);

            var (items, score) = problem.BruteForce(AssignmentObjective.MostItemsThenScore);
            Assert.True(problem.Feasible(chosen), $"seed {seed}");
            Assert.True(chosen.Count == items, $"seed {seed}: {chosen.Count} items, brute force {items}");
            Assert.True(Math.Abs(problem.Total(chosen) - score) < Tolerance, $"seed {seed}: score {problem.Total(chosen)}, brute force {score}");
        }
    }

    [Fact]
    public void Auction_fills_every_slot_when_items_outnumber_slots_and_some_assignment_fills_them()
    {
        var auctioned = 0;
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Crowded(seed);
            var slots = problem.SpareCapacity.Sum(s => Math.Max(0, s));
            var (mostItems, _) = problem.BruteForce(AssignmentObjective.MostItemsThenScore);
            if (mostItems < slots || problem.ItemCount < slots)
            {
                continue;
            }

            var outcome = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount);

            Assert.True(outcome.Auctioned, $"seed {seed}");
            Assert.True(outcome.Chosen.Count == slots, $"seed {seed}: {outcome.Chosen.Count} of {slots} slots");
            auctioned++;
        }

        Assert.True(auctioned > RandomCases / 3, $"only {auctioned} cases could fill every slot");
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Bound_from_the_auction_prices_is_never_below_the_best_total_and_close_to_it_when_filling_costs_nothing(string generator)
    {
        double bounds = 0, bests = 0;
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Case(generator, seed);
            var outcome = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount);

            var bound = Bound(problem, outcome.AgentPrices);

            var (_, best) = problem.BruteForce(AssignmentObjective.HighestScore);
            Assert.True(bound >= best - 1e-12, $"seed {seed}: bound {bound} below the best total {best}");
            // Filling every slot can cost score (an item placed where it scores less than nothing would), and the bound is
            // on the best total; where filling costs nothing, the bound should be near it.
            if (outcome.Auctioned && Math.Abs(problem.Total(outcome.Chosen) - best) < Tolerance)
            {
                (bounds, bests) = (bounds + bound, bests + best);
            }
        }

        Assert.True(bests > 0);
        Assert.True(bests / bounds >= 0.99, $"best totals are {bests / bounds:0.0000} of the bounds");
    }

    [Fact]
    public void Bound_from_any_prices_is_never_below_the_best_total()
    {
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Crowded(seed);
            var random = new Random(seed);
            var prices = problem.SpareCapacity.Select(_ => random.Next(3) == 0 ? 0 : random.NextDouble()).ToArray();

            var bound = Bound(problem, prices);

            var (_, best) = problem.BruteForce(AssignmentObjective.HighestScore);
            Assert.True(bound >= best - 1e-12, $"seed {seed}: bound {bound} below the best total {best}");
        }
    }

    [Fact]
    public void Auction_matches_the_exact_solver_on_four_hundred_items_with_ties_and_identical_agents()
    {
        var problem = Large(seed: 3);

        var outcome = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount);

        var exact = problem.Optimal();
        Assert.True(outcome.Auctioned);
        Assert.Equal(exact.Count, outcome.Chosen.Count);
        Assert.Equal(problem.SpareCapacity.Sum(), outcome.Chosen.Count);
        Assert.Equal(problem.Total(exact), problem.Total(outcome.Chosen), 6);
        Assert.True(Bound(problem, outcome.AgentPrices) - problem.Total(outcome.Chosen) < 1e-6);
    }

    [Fact]
    public void Auction_stopped_at_a_proven_gap_still_fills_every_slot_within_that_gap_of_the_best()
    {
        const double gap = 0.01;
        var stoppedEarly = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var problem = Large(seed);

            var outcome = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount, gap);

            var exact = problem.Optimal();
            var total = problem.Total(outcome.Chosen);
            Assert.True(problem.Feasible(outcome.Chosen), $"seed {seed}");
            Assert.True(outcome.Chosen.Count == exact.Count, $"seed {seed}: {outcome.Chosen.Count} items, exact {exact.Count}");
            Assert.True(total >= (1 - gap) * problem.Total(exact), $"seed {seed}: {total} against the best {problem.Total(exact)}");
            if (outcome.ProvenBound is { } bound)
            {
                // What stopped it must be a true bound, and the prices it returns must prove as much on their own.
                Assert.True(bound >= problem.Total(exact) - 1e-9, $"seed {seed}: bound {bound} below the best {problem.Total(exact)}");
                Assert.True(total >= (1 - gap) * Bound(problem, outcome.AgentPrices), $"seed {seed}");
                stoppedEarly++;
            }
        }

        Assert.True(stoppedEarly > 0, "no solve stopped before its last phase");
    }

    [Fact]
    public void Auction_returns_the_same_choice_and_prices_for_the_same_input()
    {
        var problem = Large(seed: 5);

        var first = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount);
        var second = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount);

        Assert.Equal(first.Chosen, second.Chosen);
        Assert.Equal(first.AgentPrices, second.AgentPrices);
    }

    [Fact]
    public void Auction_never_assigns_a_pair_scored_zero_negative_or_not_a_number()
    {
        var chosen = AuctionAssignment.Choose([Pair(0, 0, 0), Pair(1, 0, -0.3), Pair(2, 0, double.NaN), Pair(3, 0, 0.1), Pair(4, 0, 0.2)], [1, 5], 5);

        Assert.Equal([4], chosen);
    }

    [Fact]
    public void Auction_leaves_it_to_the_exact_solver_when_slots_outnumber_items()
    {
        var problem = new AssignmentCase([Pair(0, 0, 1.0), Pair(0, 1, 0.9), Pair(1, 0, 0.8)], [2, 2], 2);

        var outcome = AuctionAssignment.Solve(problem.Candidates, problem.SpareCapacity, problem.ItemCount);

        Assert.False(outcome.Auctioned);
        Assert.Equal(problem.Optimal(), outcome.Chosen);
    }

    [Fact]
    public void Auction_rejects_a_candidate_outside_the_items_or_agents()
    {
        Assert.Throws<ArgumentException>(() => AuctionAssignment.Choose([Pair(2, 0, 0.9)], [1], 2));
        Assert.Throws<ArgumentException>(() => AuctionAssignment.Choose([Pair(0, 1, 0.9)], [1], 2));
    }

    private static AssignmentCase Case(string generator, int seed) => generator == "random" ? Random(seed, positiveOnly: false) : Crowded(seed);

    private static double Bound(AssignmentCase problem, double[] prices)
    {
        var bound = new AssignmentBound(prices, problem.SpareCapacity, problem.ItemCount);
        foreach (var candidate in problem.Candidates)
        {
            bound.Offer(candidate.Item, candidate.Agent, candidate.Score);
        }

        return bound.Total;
    }

    /// <summary>
    /// 400 items, 40 agents in 8 classes of 5 that rank items the same (a class's shared score plus a small per-agent
    /// constant), capacities 1–4, scores on a grid of 1/64 so that ties are everywhere.
    /// </summary>
    private static AssignmentCase Large(int seed)
    {
        var random = new Random(seed);
        const int items = 400, agents = 40, classes = 8;
        var spare = Enumerable.Range(0, agents).Select(_ => random.Next(1, 5)).ToArray();
        var offset = Enumerable.Range(0, agents).Select(_ => random.Next(0, 4) / 64.0).ToArray();
        var candidates = new List<AssignmentCandidate>();
        for (var i = 0; i < items; i++)
        {
            var byClass = Enumerable.Range(0, classes).Select(_ => random.Next(1, 48) / 64.0).ToArray();
            for (var a = 0; a < agents; a++)
            {
                if (random.NextDouble() < 0.5)
                {
                    candidates.Add(Pair(i, a, byClass[a % classes] + offset[a]));
                }
            }
        }

        return new AssignmentCase(candidates, spare, items);
    }
}
