using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class RoutingConfidenceTests
{
    [Fact]
    public void Confidence_is_the_margin_between_the_best_and_second_best_affinity_of_those_who_could_take_the_item()
    {
        var contenders = Rank(Item(), [Agent("a"), Agent("b"), Agent("c")], [0.62f, 0.80f, 0.71f]);

        Assert.Equal([1, 2, 0], contenders.Best.Select(c => c.Agent));
        Assert.Equal(0.09, contenders.Confidence, 5);
    }

    [Fact]
    public void Members_without_the_required_skills_or_who_declined_it_are_no_contenders_but_a_full_one_is()
    {
        var item = Item(requiredSkills: ["postgres"]);
        var decliner = Agent("decliner", "postgres");
        item.Assignments.Add(new Assignment { AgentId = decliner.Id, Outcome = AssignmentOutcome.Declined, SteeredAway = true });
        var full = Agent("full", "postgres");
        full.Capacity = 0;

        var contenders = Rank(item, [Agent("no postgres"), decliner, full, Agent("dba", "postgres")], [0.99f, 0.98f, 0.60f, 0.58f]);

        Assert.Equal([2, 3], contenders.Best.Select(c => c.Agent));
        Assert.True(RoutingConfidence.NeedsPerson(contenders, 0.05));
    }

    [Fact]
    public void At_most_three_candidates_are_kept_best_first_and_ties_go_to_the_earlier_member()
    {
        var contenders = Rank(Item(), [Agent("a"), Agent("b"), Agent("c"), Agent("d")], [0.5f, 0.7f, 0.5f, 0.9f]);

        Assert.Equal([3, 1, 0], contenders.Best.Select(c => c.Agent));
    }

    [Fact]
    public void Replicas_of_one_card_count_as_one_contender_and_are_not_each_other_s_runner_up()
    {
        var replica = Agent("kube-1");
        var another = Agent("kube-2");
        another.Description = replica.Description;
        another.Skills[0].Description = replica.Skills[0].Description;
        another.Skills[0].Level = 0.9;

        var contenders = Rank(Item(), [replica, another, Agent("ops")], [0.80f, 0.80f, 0.60f]);

        Assert.Equal([0, 2], contenders.Best.Select(c => c.Agent));
        Assert.False(RoutingConfidence.NeedsPerson(contenders, 0.05));
        Assert.Equal(0.60, contenders.NextBestTo(1, 0)!.Value, 5);
    }

    [Fact]
    public void Members_with_different_cards_matched_by_a_skill_that_reads_the_same_count_as_one_contender()
    {
        // At scale many members share a skill: the margin between them says whose description reads closer, not what kind of work it is.
        var first = Agent("pods-1");
        var second = Agent("pods-2");
        second.Skills[0] = new AgentSkill { SkillId = first.Skills[0].SkillId, Name = first.Skills[0].Name, Description = first.Skills[0].Description, Level = 0.4 };
        second.Skills.Add(new AgentSkill { SkillId = "billing", Name = "billing", Description = "invoices", Level = 0.9 });

        var contenders = Rank(Item(), [first, second, Agent("ops")], [0.81f, 0.80f, 0.60f]);

        Assert.Equal([0, 2], contenders.Best.Select(c => c.Agent));
        Assert.False(RoutingConfidence.NeedsPerson(contenders, 0.05));
        Assert.Equal(0.60, contenders.NextBestTo(1, 0)!.Value, 5);
        Assert.Equal(0.81, contenders.NextBestTo(1, 1)!.Value, 5);
    }

    [Theory]
    [InlineData(0.80f, 0.78f, 0.05, true)]
    [InlineData(0.80f, 0.70f, 0.05, false)]
    [InlineData(0.80f, 0.80f, 0.0, false)]
    public void An_item_needs_a_person_when_its_margin_is_under_the_minimum_and_the_rule_is_on(float first, float second, double minimum, bool needsPerson)
    {
        var contenders = Rank(Item(), [Agent("a"), Agent("b")], [first, second]);

        Assert.Equal(needsPerson, RoutingConfidence.NeedsPerson(contenders, minimum));
    }

    [Fact]
    public void With_one_member_who_could_take_it_there_is_no_one_to_confuse_it_with()
    {
        var contenders = Rank(Item(requiredSkills: ["sql"]), [Agent("a", "sql"), Agent("b")], [0.30f, 0.31f]);

        Assert.Equal(1, contenders.Confidence);
        Assert.False(RoutingConfidence.NeedsPerson(contenders, 0.05));
        Assert.Null(contenders.NextBestTo(0, 0));
    }

    [Fact]
    public void Ranking_many_items_keeps_what_sorting_every_contender_keeps()
    {
        var random = new Random(84);
        // Agents sharing a skill text are of one kind; affinities to two decimals, so that ties happen.
        var skills = Enumerable.Range(0, 12).Select(k => new AgentSkill { SkillId = $"s{k % 4}", Name = $"kind {k}", Description = $"kind {k}", Level = 0.7 }).ToArray();
        var agents = Enumerable.Range(0, 60).Select(a =>
        {
            var agent = new Agent { Id = Guid.NewGuid(), Name = $"agent {a}", Description = "one card", Capacity = 2 };
            agent.Skills.AddRange(Enumerable.Range(0, 1 + (a % 3)).Select(_ => skills[random.Next(skills.Length)]));
            return agent;
        }).ToArray();
        var items = Enumerable.Range(0, 200).Select(i => Item(i % 5 == 0 ? [$"s{i % 4}"] : null)).ToArray();
        var matrix = new AffinityMatrix(items.Length, agents.Length);
        for (var i = 0; i < items.Length; i++)
        {
            for (var a = 0; a < agents.Length; a++)
            {
                matrix.Set(i, a, MathF.Round((float)random.NextDouble(), 2), random.Next(-1, agents[a].Skills.Count));
            }
        }

        var ranked = RoutingConfidence.Rank(items, agents, matrix);

        var matches = new SkillMatches(agents);
        for (var i = 0; i < items.Length; i++)
        {
            // Every contender; the best of each kind (the first on a tie); the best few of those, the first on a tie.
            var expected = Enumerable.Range(0, agents.Length)
                .Where(a => AssignmentCandidates.CouldTake(items[i], agents[a]))
                .Select(a => new Contender(a, matrix.Score(i, a), matrix.BestSkill(i, a)))
                .GroupBy(c => matches.KindOf(c.Agent, c.BestSkill))
                .Select(kind => kind.OrderByDescending(c => c.Affinity).First())
                .OrderByDescending(c => c.Affinity).ThenBy(c => c.Agent)
                .Take(RoutingConfidence.Kept);
            Assert.Equal(expected, ranked[i].Best);
        }
    }

    private static Contenders Rank(WorkItem item, Agent[] agents, float[] affinities)
    {
        var matrix = new AffinityMatrix(1, agents.Length);
        for (var a = 0; a < agents.Length; a++)
        {
            matrix.Set(0, a, affinities[a], 0);
        }

        return Assert.Single(RoutingConfidence.Rank([item], agents, matrix));
    }

    private static WorkItem Item(List<string>? requiredSkills = null) => new() { Id = Guid.NewGuid(), Title = "Tune the slow report", RequiredSkills = requiredSkills ?? [] };

    /// <summary>An agent with a card of its own (its description names it), with one skill of its own.</summary>
    private static Agent Agent(string name, string skill = "general")
    {
        var agent = new Agent { Id = Guid.NewGuid(), Name = name, Description = $"{name}'s card", Capacity = 2 };
        agent.Skills.Add(new AgentSkill { SkillId = skill, Name = skill, Description = $"{name} does {skill}", Level = 0.7 });
        return agent;
    }
}
