using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Lexical;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class AssignmentCandidatesTests
{
    private static readonly LexicalSkillModel Model = new();

    [Fact]
    public void Required_skills_are_hard_constraints()
    {
        var item = Item("Tune the Postgres indexes", requiredSkills: ["postgres"]);
        var withSkill = Agent("dba", ("postgres", ["database"]));
        var without = Agent("frontend", ("react", ["frontend", "database"]));

        var candidates = AssignmentCandidates.Score([item], [withSkill, without], new Dictionary<Guid, int>(), Model, CancellationToken.None);

        var only = Assert.Single(candidates);
        Assert.Equal(0, only.Agent);
        Assert.Equal(withSkill.Skills.Single(s => s.SkillId == "postgres").Level, only.Level);
    }

    [Fact]
    public void An_agent_that_stalled_on_or_declined_an_item_is_not_offered_it_again()
    {
        var stalledAgent = Agent("a", ("backend", []));
        var decliner = Agent("b", ("backend", []));
        var fresh = Agent("c", ("backend", []));
        var item = Item("Add an endpoint");
        item.Assignments.Add(new Assignment { AgentId = stalledAgent.Id, Outcome = AssignmentOutcome.Stalled });
        item.Assignments.Add(new Assignment { AgentId = decliner.Id, Outcome = AssignmentOutcome.Declined, SteeredAway = true });

        var candidates = AssignmentCandidates.Score([item], [stalledAgent, decliner, fresh], new Dictionary<Guid, int>(), Model, CancellationToken.None);

        Assert.Equal([2], candidates.Select(c => c.Agent));
    }

    [Fact]
    public void An_item_steered_away_from_its_agent_goes_to_another_who_could_take_it()
    {
        var api = Agent("api", ("backend", ["api"]));
        var pixel = Agent("pixel", ("react", ["frontend"]));
        var item = Item("Make the usage chart readable");
        item.Assignments.Add(new Assignment { AgentId = api.Id, Outcome = AssignmentOutcome.Rejected, SteeredAway = true });

        AssignmentCandidates.LetBackWhereNoOneElse([item], [api, pixel]);
        var candidates = AssignmentCandidates.Score([item], [api, pixel], new Dictionary<Guid, int>(), Model, CancellationToken.None);

        Assert.Equal([1], candidates.Select(c => c.Agent));
    }

    [Fact]
    public void An_item_no_one_else_could_take_goes_back_to_the_agents_it_was_steered_away_from_but_not_to_one_that_stalled()
    {
        var api = Agent("api", ("backend", ["api"]));
        var silent = Agent("silent", ("backend", ["api"]));
        var noSkill = Agent("writer", ("docs", ["writing"]));
        var item = Item("Add an endpoint", requiredSkills: ["backend"]);
        item.Assignments.Add(new Assignment { AgentId = api.Id, Outcome = AssignmentOutcome.HandedBack, SteeredAway = true });
        item.Assignments.Add(new Assignment { AgentId = silent.Id, Outcome = AssignmentOutcome.Stalled });

        AssignmentCandidates.LetBackWhereNoOneElse([item], [api, silent, noSkill]);
        var candidates = AssignmentCandidates.Score([item], [api, silent, noSkill], new Dictionary<Guid, int>(), Model, CancellationToken.None);

        Assert.Equal([0], candidates.Select(c => c.Agent));
    }

    [Fact]
    public void A_busy_member_who_could_take_it_keeps_the_item_away_from_the_one_it_was_steered_from()
    {
        var api = Agent("api", ("backend", ["api"]));
        var busy = Agent("pixel", ("react", ["frontend"]));
        var item = Item("Make the usage chart readable");
        item.Assignments.Add(new Assignment { AgentId = api.Id, Outcome = AssignmentOutcome.Declined, SteeredAway = true });

        AssignmentCandidates.LetBackWhereNoOneElse([item], [api, busy]);
        var candidates = AssignmentCandidates.Score([item], [api, busy], new Dictionary<Guid, int> { [busy.Id] = busy.Capacity }, Model, CancellationToken.None);

        Assert.Empty(candidates);
    }

    [Fact]
    public void An_item_s_routing_notes_are_read_with_its_text()
    {
        var item = Item("Make the usage chart readable");
        item.Description = "It is unreadable on phones.";
        item.RoutingNotes = "Front-end please";

        var text = AssignmentCandidates.ToText(item);

        Assert.Equal("Front-end please. It is unreadable on phones.", text.Description);
    }

    [Fact]
    public void A_full_agent_gets_no_candidates()
    {
        var busy = Agent("busy", ("backend", []));

        var candidates = AssignmentCandidates.Score([Item("Add an endpoint")], [busy], new Dictionary<Guid, int> { [busy.Id] = busy.Capacity }, Model, CancellationToken.None);

        Assert.Empty(candidates);
    }

    [Fact]
    public void With_one_free_slot_the_higher_priority_item_wins_over_a_slightly_better_match()
    {
        var agent = Agent("writer", ("docs", ["documentation", "writing"]));
        var urgent = Item("Write release notes", priority: 10);
        var matching = Item("Write documentation for the writing guide", priority: 0);

        var candidates = AssignmentCandidates.Score([urgent, matching], [agent], new Dictionary<Guid, int>(), Model, CancellationToken.None);
        var chosen = OptimalAssignment.Choose(candidates, [1], 2);

        Assert.Equal(0, candidates[Assert.Single(chosen)].Item);
    }

    [Fact]
    public void A_scores_parts_are_the_fit_the_level_and_the_priority_it_counted()
    {
        var agent = Agent("writer", ("docs", ["documentation", "writing"]));
        agent.Capacity = 2;
        var urgent = Item("Write release notes", priority: 10);
        var middling = Item("Write documentation for the writing guide", priority: 5);
        var calm = Item("Proofread the writing guide", priority: 0);
        var load = new Dictionary<Guid, int> { [agent.Id] = 1 };

        var candidates = AssignmentCandidates.Score([urgent, middling, calm], [agent], load, Model, CancellationToken.None);

        var parts = candidates.Select(c => AssignmentCandidates.PartsOf(c, 1, 2)).ToList();
        Assert.Equal([1.0, 0.5, 0.0], parts.Select(p => Math.Round(p.Priority, 9)));
        Assert.Equal(candidates.Select(c => c.Affinity), parts.Select(p => p.Fit));
        // The declared level where the model matched the skill, the stated default where it matched nothing.
        Assert.Equal([0.5, 0.7, 0.7], parts.Select(p => p.Level));
        // Put back together with the spare share (1 of 2 slots free), the parts are the score.
        Assert.All(candidates.Zip(parts), x => Assert.Equal(
            x.First.Score,
            (AssignmentCandidates.AffinityWeight * x.Second.Fit) + (AssignmentCandidates.LevelWeight * x.Second.Level)
            + (AssignmentCandidates.SpareCapacityWeight * 0.5) + (AssignmentCandidates.PriorityWeight * x.Second.Priority),
            9));
    }

    [Fact]
    public void Above_the_shortlists_size_only_each_items_and_each_agents_best_pairs_are_made_as_pruning_the_whole_list_keeps()
    {
        var random = new Random(5);
        var items = Enumerable.Range(0, 30).Select(i => Item($"item {i}", priority: i % 3, requiredSkills: i % 4 == 0 ? ["backend"] : null)).ToList();
        var agents = Enumerable.Range(0, 12).Select(a => Agent($"agent {a}", (a % 2 == 0 ? "backend" : "frontend", []))).ToList();
        var affinities = new Inference.Skills.AffinityMatrix(items.Count, agents.Count);
        for (var i = 0; i < items.Count; i++)
        {
            for (var a = 0; a < agents.Count; a++)
            {
                // Two decimals: ties, which both must break alike.
                affinities.Set(i, a, (float)Math.Round(random.NextDouble(), 2), 0);
            }
        }

        var leftOut = new HashSet<int> { 3, 7 };
        var whole = AssignmentCandidates.Score(items, agents, new Dictionary<Guid, int>(), affinities, leaveOut: leftOut);
        var streamed = AssignmentCandidates.Score(items, agents, new Dictionary<Guid, int>(), affinities, leaveOut: leftOut, shortlist: new ShortlistSize(100, 3, 5));

        Assert.DoesNotContain(whole, c => leftOut.Contains(c.Item));
        Assert.True(whole.Count > 100);
        // Each agent's share (12 agents × 12 free slots, 144 pairs) is still above 100: the streamed shortlist decides.
        Assert.Equal(CandidatePruning.TopPerItemAndAgent(whole, 3, 5), streamed);
        Assert.True(streamed.Count < whole.Count);
    }

    [Fact]
    public void Below_the_shortlists_size_each_agent_keeps_its_best_items_as_many_as_the_pass_has_free_slots_in_the_order_of_the_whole_list()
    {
        var random = new Random(11);
        var items = Enumerable.Range(0, 40).Select(i => Item($"item {i}", priority: i % 3, requiredSkills: i % 5 == 0 ? ["backend"] : null)).ToList();
        var agents = Enumerable.Range(0, 6).Select(a => Agent($"agent {a}", (a % 2 == 0 ? "backend" : "frontend", []))).ToList();
        agents[0].Capacity = 3;
        agents[1].Capacity = 2;
        // 3 + 1 + 1 + 1 + 0 + 1 = 7 free slots: agent 1 has one of two busy, agent 4 none free.
        var load = new Dictionary<Guid, int> { [agents[1].Id] = 1, [agents[4].Id] = 1 };
        var affinities = RandomAffinities(random, items.Count, agents.Count);

        var whole = AssignmentCandidates.Score(items, agents, load, affinities);
        var shares = AssignmentCandidates.Score(items, agents, load, affinities, shortlist: new ShortlistSize(1_000, 3, 5));

        Assert.Equal(5 * 7, shares.Count);
        Assert.DoesNotContain(shares, c => c.Agent == 4);
        foreach (var agent in new[] { 0, 1, 2, 3, 5 })
        {
            Assert.Equal(
                whole.Where(c => c.Agent == agent).OrderByDescending(c => c.Score).ThenBy(c => c.Item).Take(7).Select(c => c.Item).Order(),
                shares.Where(c => c.Agent == agent).Select(c => c.Item));
        }

        Assert.All(shares, c => Assert.Contains(c, whole));
        Assert.Equal(shares.OrderBy(c => c.Item).ThenBy(c => c.Agent), shares);
    }

    [Fact]
    public void Solving_each_agents_share_places_as_many_items_at_the_same_total_as_solving_every_pair()
    {
        var pruned = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var items = Enumerable.Range(0, random.Next(1, 30))
                .Select(i => Item($"item {i}", priority: random.Next(0, 3), requiredSkills: random.NextDouble() < 0.2 ? ["backend"] : null)).ToList();
            var agents = Enumerable.Range(0, random.Next(1, 7)).Select(a => Agent($"agent {a}", (random.NextDouble() < 0.5 ? "backend" : "frontend", []))).ToList();
            var load = new Dictionary<Guid, int>();
            foreach (var agent in agents)
            {
                agent.Capacity = random.Next(0, 4);
                load[agent.Id] = random.Next(0, agent.Capacity + 1);
            }

            // Every other case on a coarse grid, so that ties are common.
            var affinities = RandomAffinities(random, items.Count, agents.Count, coarse: seed % 2 == 0);
            var whole = AssignmentCandidates.Score(items, agents, load, affinities);
            var shares = AssignmentCandidates.Score(items, agents, load, affinities, shortlist: new ShortlistSize(100_000, 3, 5));
            var spare = agents.Select(a => a.Capacity - load[a.Id]).ToArray();

            var best = OptimalAssignment.Choose(whole, spare, items.Count);
            var fromShares = OptimalAssignment.Choose(shares, spare, items.Count);
            var auctioned = AuctionAssignment.Choose(shares, spare, items.Count);
            var greedy = GreedyAssignment.Choose(whole, spare, items.Count);
            var greedyFromShares = GreedyAssignment.Choose(shares, spare, items.Count);

            Assert.Equal(best.Count, fromShares.Count);
            Assert.Equal(best.Sum(c => whole[c].Score), fromShares.Sum(c => shares[c].Score), 9);
            Assert.Equal(best.Count, auctioned.Count);
            Assert.Equal(best.Sum(c => whole[c].Score), auctioned.Sum(c => shares[c].Score), 6);
            // A greedy solver never takes a pair outside the shares, so it makes the same choices from them.
            Assert.Equal(greedy.Select(c => whole[c]).OrderBy(c => c.Item), greedyFromShares.Select(c => shares[c]).OrderBy(c => c.Item));
            pruned += shares.Count < whole.Count ? 1 : 0;
        }

        // Not a comparison of equal lists: most cases have more items than free slots, and their shares leave pairs out.
        Assert.True(pruned > 150, $"only {pruned} of 300 cases left a pair out");
    }

    [Fact]
    public void Where_no_agent_has_more_items_than_the_free_slots_every_pair_is_kept_and_each_items_best_with_them()
    {
        var random = new Random(7);
        var items = Enumerable.Range(0, 6).Select(i => Item($"item {i}")).ToList();
        var agents = Enumerable.Range(0, 3).Select(a => Agent($"agent {a}", ("backend", []))).ToList();
        agents.ForEach(a => a.Capacity = 2);
        var affinities = RandomAffinities(random, items.Count, agents.Count);
        var weights = new PairWeights(items, agents, new Dictionary<Guid, int>(), affinities);

        var (pairs, eachItemsBest) = weights.Choose(null, new ShortlistSize(1_000, 3, 5));

        Assert.Equal(weights.Candidates(), pairs);
        Assert.Equal(18, pairs.Count);
        Assert.True(eachItemsBest);
    }

    [Fact]
    public void An_offered_items_runner_up_whose_share_is_other_work_is_read_from_the_items_row()
    {
        var items = Enumerable.Range(0, 3).Select(i => Item($"item {i}")).ToList();
        var agents = new List<Agent> { Agent("a", ("backend", [])), Agent("b", ("backend", [])) };
        var affinities = new Inference.Skills.AffinityMatrix(items.Count, agents.Count);
        // Two free slots: b's share is items 1 and 2, which it fits best, so its fit with item 0 is in no share.
        float[,] fits = { { 0.9f, 0.5f }, { 0.1f, 0.9f }, { 0.1f, 0.8f } };
        for (var i = 0; i < items.Count; i++)
        {
            for (var a = 0; a < agents.Count; a++)
            {
                affinities.Set(i, a, fits[i, a], 0);
            }
        }

        var weights = new PairWeights(items, agents, new Dictionary<Guid, int>(), affinities);
        var (shares, eachItemsBest) = weights.Choose(null, new ShortlistSize(1_000, 3, 5));
        var offer = shares.Single(c => c.Item == 0 && c.Agent == 0);

        Assert.False(eachItemsBest);
        Assert.DoesNotContain(shares, c => c.Item == 0 && c.Agent == 1);
        var shown = Assert.Single(OfferCandidates.For(weights.RowsOf([0]), [offer]));
        Assert.Equal([0, 1], shown.Select(c => c.Agent));
    }

    [Fact]
    public void Groups_keep_their_own_number_of_best_members_and_a_group_of_none_keeps_nothing()
    {
        var best = new BestOf([2, 0, 3]);
        double[] scores = [0.5, 0.9, 0.1, 0.7, 0.3];
        for (var member = 0; member < scores.Length; member++)
        {
            foreach (var group in new[] { 0, 1, 2 })
            {
                best.Offer(group, member, scores[member]);
            }
        }

        var kept = new List<(int Group, int Member)>();
        best.Visit((group, member, _) => kept.Add((group, member)));

        Assert.Equal([1, 3], kept.Where(k => k.Group == 0).Select(k => k.Member).Order());
        Assert.DoesNotContain(kept, k => k.Group == 1);
        Assert.Equal([0, 1, 3], kept.Where(k => k.Group == 2).Select(k => k.Member).Order());
    }

    [Fact]
    public void The_rows_of_items_are_every_allowed_pair_of_theirs_whatever_the_free_slots()
    {
        var random = new Random(3);
        var items = Enumerable.Range(0, 20).Select(i => Item($"item {i}", requiredSkills: i % 4 == 0 ? ["backend"] : null)).ToList();
        var agents = Enumerable.Range(0, 5).Select(a => Agent($"agent {a}", (a % 2 == 0 ? "backend" : "frontend", []))).ToList();
        var affinities = RandomAffinities(random, items.Count, agents.Count);
        var load = new Dictionary<Guid, int> { [agents[2].Id] = 1 };
        var weights = new PairWeights(items, agents, load, affinities);
        var whole = weights.Candidates();

        var rows = weights.RowsOf([8, 3]);

        Assert.Equal(whole.Where(c => c.Item == 8).Concat(whole.Where(c => c.Item == 3)), rows);
        Assert.Equal([0, 4], rows.Where(c => c.Item == 8).Select(c => c.Agent));
        Assert.Equal([0, 1, 3, 4], rows.Where(c => c.Item == 3).Select(c => c.Agent));
    }

    private static Inference.Skills.AffinityMatrix RandomAffinities(Random random, int items, int agents, bool coarse = false)
    {
        var affinities = new Inference.Skills.AffinityMatrix(items, agents);
        for (var i = 0; i < items; i++)
        {
            for (var a = 0; a < agents; a++)
            {
                affinities.Set(i, a, coarse ? random.Next(0, 5) / 4f : (float)random.NextDouble(), 0);
            }
        }

        return affinities;
    }

    private static WorkItem Item(string title, int priority = 0, List<string>? requiredSkills = null)
        => new() { Id = Guid.NewGuid(), Title = title, Priority = priority, RequiredSkills = requiredSkills ?? [] };

    private static Agent Agent(string name, (string Id, List<string> Tags) skill)
    {
        var agent = new Agent { Id = Guid.NewGuid(), Name = name, Capacity = 1 };
        agent.Skills.Add(new AgentSkill { SkillId = skill.Id, Name = skill.Id, Tags = skill.Tags, Level = 0.7 });
        return agent;
    }
}
