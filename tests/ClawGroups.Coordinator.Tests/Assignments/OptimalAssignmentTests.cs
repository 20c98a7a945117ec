using ClawGroups.Coordinator.Assignments;
using static ClawGroups.Coordinator.Tests.Assignments.AssignmentCase;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class OptimalAssignmentTests
{
    private const int RandomCases = 300;
    private const double Tolerance = 1e-9;

    /// <summary>Item 0 fits agent 0 best (1.0) and agent 1 nearly as well (0.9); item 1 fits only agent 0 (0.8).</summary>
    internal static AssignmentCase Myopic { get; } = new([Pair(0, 0, 1.0), Pair(0, 1, 0.9), Pair(1, 0, 0.8)], [1, 1], 2);

    /// <summary>Item 0 fits agent 0 (1.0) and barely agent 1 (0.01); item 1 barely fits agent 0 (0.02).</summary>
    private static AssignmentCase BusyOrBest { get; } = new([Pair(0, 0, 1.0), Pair(0, 1, 0.01), Pair(1, 0, 0.02)], [1, 1], 2);

    public static TheoryData<AssignmentObjective> Objectives => [AssignmentObjective.MostItemsThenScore, AssignmentObjective.HighestScore];

    [Theory]
    [MemberData(nameof(Objectives))]
    public void Optimal_gives_each_item_at_most_one_agent_and_each_agent_at_most_its_spare_capacity(AssignmentObjective objective)
    {
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Random(seed, positiveOnly: false);

            var chosen = problem.Optimal(objective);

            Assert.True(problem.Feasible(chosen), $"seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Objectives))]
    public void Optimal_matches_brute_force_in_items_and_total_score_on_small_random_cases(AssignmentObjective objective)
    {
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Random(seed, positiveOnly: false);

            var chosen = problem.Optimal(objective);

            var (items, score) = problem.BruteForce(objective);
            Assert.True(chosen.Count == items, $"seed {seed}: {chosen.Count} items, brute force {items}");
            Assert.True(Math.Abs(problem.Total(chosen) - score) < Tolerance, $"seed {seed}: score {problem.Total(chosen)}, brute force {score}");
        }
    }

    [Fact]
    public void Most_items_objective_assigns_at_least_as_many_items_as_greedy_and_scores_no_less_when_it_assigns_as_many()
    {
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Random(seed, positiveOnly: true);
            var greedy = problem.Greedy();

            var optimal = problem.Optimal(AssignmentObjective.MostItemsThenScore);

            Assert.True(optimal.Count >= greedy.Count, $"seed {seed}");
            Assert.True(optimal.Count > greedy.Count || problem.Total(optimal) >= problem.Total(greedy) - Tolerance, $"seed {seed}");
        }
    }

    [Fact]
    public void Highest_score_objective_scores_at_least_as_much_as_greedy()
    {
        for (var seed = 0; seed < RandomCases; seed++)
        {
            var problem = Random(seed, positiveOnly: true);
            var greedy = problem.Greedy();

            var optimal = problem.Optimal(AssignmentObjective.HighestScore);

            Assert.True(problem.Total(optimal) >= problem.Total(greedy) - Tolerance, $"seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Objectives))]
    public void Optimal_gives_up_the_best_pair_when_that_lets_a_stranded_item_be_assigned(AssignmentObjective objective)
    {
        var chosen = Myopic.Optimal(objective);

        Assert.Equal([1, 2], chosen);
        Assert.True(Myopic.Total(chosen) > Myopic.Total(Myopic.Greedy()));
    }

    [Fact]
    public void Most_items_objective_keeps_both_items_busy_at_a_lower_total()
    {
        var chosen = BusyOrBest.Optimal(AssignmentObjective.MostItemsThenScore);

        Assert.Equal([1, 2], chosen);
    }

    [Fact]
    public void Highest_score_objective_keeps_the_strong_pair_and_leaves_the_weak_item_idle()
    {
        var chosen = BusyOrBest.Optimal(AssignmentObjective.HighestScore);

        Assert.Equal([0], chosen);
    }

    [Fact]
    public void Highest_score_objective_assigns_the_extra_item_when_the_total_ties()
    {
        // Agent 0 holds item 0 at 0.5 or item 1 at 0.5; moving item 0 to agent 1 (0.5 → 0.0 + 0.5) ties the total.
        var problem = new AssignmentCase([Pair(0, 0, 0.5), Pair(0, 1, 0.25), Pair(1, 0, 0.25)], [1, 1], 2);

        var chosen = problem.Optimal(AssignmentObjective.HighestScore);

        Assert.Equal(2, chosen.Count);
        Assert.Equal(0.5, problem.Total(chosen), 12);
    }

    [Fact]
    public void Optimal_returns_the_same_choice_for_the_same_input()
    {
        var problem = Random(seed: 7, positiveOnly: true);

        var first = problem.Optimal();
        var second = problem.Optimal();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Optimal_breaks_an_exact_tie_the_same_way_every_time()
    {
        var problem = new AssignmentCase([Pair(0, 1, 0.5), Pair(0, 0, 0.5)], [1, 1], 1);

        var choices = Enumerable.Range(0, 5).Select(_ => problem.Optimal()).ToList();

        Assert.All(choices, c => Assert.Equal(choices[0], c));
        Assert.Single(choices[0]);
    }

    [Fact]
    public void Optimal_chooses_nothing_when_there_are_no_candidates()
    {
        var chosen = OptimalAssignment.Choose([], [1, 2], 3);

        Assert.Empty(chosen);
    }

    [Fact]
    public void Optimal_chooses_nothing_when_no_agent_has_spare_capacity()
    {
        var chosen = OptimalAssignment.Choose([Pair(0, 0, 0.9), Pair(1, 1, 0.8)], [0, 0], 2);

        Assert.Empty(chosen);
    }

    [Fact]
    public void Optimal_fills_every_slot_with_the_best_items_when_items_outnumber_capacity()
    {
        var candidates = Enumerable.Range(0, 10).Select(i => Pair(i, 0, (i + 1) / 10.0)).ToList();

        var chosen = OptimalAssignment.Choose(candidates, [3], 10);

        Assert.Equal([7, 8, 9], chosen);
    }

    [Fact]
    public void Optimal_never_assigns_a_pair_scored_zero_negative_or_not_a_number()
    {
        var chosen = OptimalAssignment.Choose([Pair(0, 0, 0), Pair(1, 0, -0.3), Pair(2, 0, double.NaN), Pair(3, 0, 0.1)], [4], 4);

        Assert.Equal([3], chosen);
    }

    [Fact]
    public void Optimal_treats_a_negative_spare_capacity_as_none()
    {
        var chosen = OptimalAssignment.Choose([Pair(0, 0, 0.9)], [-2], 1);

        Assert.Empty(chosen);
    }

    [Fact]
    public void Optimal_accepts_a_capacity_far_larger_than_the_items()
    {
        var chosen = OptimalAssignment.Choose([Pair(0, 0, 0.9), Pair(1, 0, 0.8)], [int.MaxValue], 2);

        Assert.Equal([0, 1], chosen);
    }

    [Fact]
    public void Optimal_rejects_a_candidate_outside_the_items_or_agents()
    {
        Assert.Throws<ArgumentException>(() => OptimalAssignment.Choose([Pair(2, 0, 0.9)], [1], 2));
        Assert.Throws<ArgumentException>(() => OptimalAssignment.Choose([Pair(0, 1, 0.9)], [1], 2));
    }

    [Fact]
    public void Optimal_gives_each_of_two_hundred_items_in_a_ring_its_best_agent()
    {
        // Item i fits agent i best and agent i + 1 nearly as well: each agent can take only one.
        var candidates = new List<AssignmentCandidate>();
        for (var i = 0; i < 200; i++)
        {
            candidates.Add(Pair(i, i, 1.0));
            candidates.Add(Pair(i, (i + 1) % 200, 0.9));
        }

        var chosen = OptimalAssignment.Choose(candidates, Enumerable.Repeat(1, 200).ToArray(), 200);

        Assert.Equal(200, chosen.Count);
        Assert.Equal(200.0, chosen.Sum(c => candidates[c].Score), 9);
    }
}
