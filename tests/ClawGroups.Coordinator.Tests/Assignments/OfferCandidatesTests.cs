using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class OfferCandidatesTests
{
    [Fact]
    public void An_offer_keeps_its_items_three_best_pairs_by_score_and_nothing_of_other_items()
    {
        AssignmentCandidate[] candidates =
        [
            Pair(item: 0, agent: 0, score: 0.50), Pair(0, 1, 0.90), Pair(1, 0, 0.99), Pair(0, 2, 0.70), Pair(0, 3, 0.60),
        ];

        var shortlist = Assert.Single(OfferCandidates.For(candidates, [candidates[1]]));

        Assert.Equal([1, 2, 3], shortlist.Select(c => c.Agent));
    }

    [Fact]
    public void A_chosen_pair_below_the_best_three_still_stands_in_its_list_last()
    {
        AssignmentCandidate[] candidates = [Pair(0, 0, 0.9), Pair(0, 1, 0.8), Pair(0, 2, 0.7), Pair(0, 3, 0.2)];

        var shortlist = Assert.Single(OfferCandidates.For(candidates, [candidates[3]]));

        Assert.Equal([0, 1, 3], shortlist.Select(c => c.Agent));
    }

    [Fact]
    public void Each_offer_gets_its_own_items_list()
    {
        AssignmentCandidate[] candidates = [Pair(0, 0, 0.9), Pair(1, 0, 0.4), Pair(1, 1, 0.6)];

        var shortlists = OfferCandidates.For(candidates, [candidates[0], candidates[2]]);

        Assert.Equal([[0], [1, 0]], shortlists.Select(s => s.Select(c => c.Agent).ToArray()));
    }

    [Fact]
    public void A_member_who_scored_higher_but_was_not_chosen_says_why_and_the_chosen_one_keeps_the_offer_s_reason()
    {
        Agent[] agents = [new() { Name = "kube" }, new() { Name = "ops" }, new() { Name = "sre" }];
        // kube fits the pods best but took the node; sre fits them better than ops but the pass gave it nothing.
        AssignmentCandidate[] candidates = [Pair(0, 0, 0.9), Pair(0, 2, 0.85), Pair(0, 1, 0.8), Pair(1, 0, 0.7)];
        AssignmentCandidate[] chosen = [candidates[2], candidates[3]];

        var shown = OfferCandidates.Shown(chosen, OfferCandidates.For(candidates, chosen), agents, ["ops: pods", "kube: node", "kube: pods", "sre: pods"]);

        Assert.Equal(["kube", "sre", "ops"], shown[0].Select(c => c.Name));
        Assert.Equal(
            ["given other work in this pass; kube: pods", "passed over for a better total across the pass; sre: pods", "ops: pods"],
            shown[0].Select(c => c.Reason));
        Assert.Equal([false, false, true], shown[0].Select(c => c.Chosen));
        Assert.Equal([0.9, 0.85, 0.8], shown[0].Select(c => c.Score!.Value));
        Assert.Equal("kube: node", Assert.Single(shown[1]).Reason);
    }

    private static AssignmentCandidate Pair(int item, int agent, double score) => new(item, agent, score, score, 0.5);
}
