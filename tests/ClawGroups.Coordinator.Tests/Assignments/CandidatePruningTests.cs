using ClawGroups.Coordinator.Assignments;
using static ClawGroups.Coordinator.Tests.Assignments.AssignmentCase;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class CandidatePruningTests
{
    [Fact]
    public void Pruning_keeps_each_items_k_best_agents()
    {
        var candidates = Enumerable.Range(0, 3)
            .SelectMany(i => Enumerable.Range(0, 10).Select(a => Pair(i, a, ((a * 7) + (i * 3)) % 10 / 10.0)))
            .ToList();

        var kept = CandidatePruning.TopPerItem(candidates, 4);

        foreach (var item in Enumerable.Range(0, 3))
        {
            var expected = candidates.Where(c => c.Item == item).OrderByDescending(c => c.Score).Take(4).ToHashSet();
            Assert.Equal(expected, kept.Where(c => c.Item == item).ToHashSet());
        }
    }

    [Fact]
    public void Pruning_keeps_items_with_fewer_than_k_candidates_whole_and_in_order()
    {
        List<AssignmentCandidate> candidates = [Pair(1, 0, 0.2), Pair(0, 3, 0.9), Pair(1, 2, 0.4)];

        var kept = CandidatePruning.TopPerItem(candidates, 8);

        Assert.Equal(candidates, kept);
    }

    [Fact]
    public void Pruning_breaks_ties_towards_the_earlier_candidate()
    {
        List<AssignmentCandidate> candidates = [Pair(0, 5, 0.5), Pair(0, 1, 0.5), Pair(0, 3, 0.5)];

        var kept = CandidatePruning.TopPerItem(candidates, 2);

        Assert.Equal([candidates[0], candidates[1]], kept);
    }

    [Fact]
    public void Pruning_by_item_and_agent_also_keeps_each_agents_best_items()
    {
        // Both items like agent 0 best; agent 1's best item is item 1, which pruning by item alone would drop.
        List<AssignmentCandidate> candidates = [Pair(0, 0, 0.9), Pair(0, 1, 0.1), Pair(1, 0, 0.8), Pair(1, 1, 0.3)];

        var kept = CandidatePruning.TopPerItemAndAgent(candidates, perItem: 1, perAgent: 1);

        Assert.Equal([candidates[0], candidates[2], candidates[3]], kept);
    }

    [Theory]
    [InlineData(6, 0)]
    [InlineData(3, 5)]
    public void Shortlist_keeps_the_same_pairs_as_pruning_a_full_list(int perItem, int perAgent)
    {
        var random = new Random(11);
        var candidates = Enumerable.Range(0, 50)
            .SelectMany(i => Enumerable.Range(0, 40).Select(a => Pair(i, a, Math.Round(random.NextDouble(), 2))))
            .ToList();
        var shortlist = new CandidateShortlist(50, perItem, 40, perAgent);

        foreach (var c in candidates)
        {
            shortlist.Offer(c.Item, c.Agent, c.Score);
        }

        var streamed = shortlist.ToCandidates(Pair).Select(c => (c.Item, c.Agent, c.Score));
        var pruned = CandidatePruning.TopPerItemAndAgent(candidates, perItem, perAgent).Select(c => (c.Item, c.Agent, c.Score));
        Assert.Equal(pruned, streamed);
    }
}
