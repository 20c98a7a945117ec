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
        var small = AssignmentCandidates.Score(items, agents, new Dictionary<Guid, int>(), affinities, leaveOut: leftOut, shortlist: new ShortlistSize(1_000, 3, 5));

        Assert.DoesNotContain(whole, c => leftOut.Contains(c.Item));
        Assert.True(whole.Count > 100);
        Assert.Equal(CandidatePruning.TopPerItemAndAgent(whole, 3, 5), streamed);
        Assert.True(streamed.Count < whole.Count);
        Assert.Equal(whole, small);
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
