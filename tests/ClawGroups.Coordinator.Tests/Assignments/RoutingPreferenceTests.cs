using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>A group's preference for people or agents in some work (decision 0031), as the score counts it.</summary>
public sealed class RoutingPreferenceTests
{
    [Fact]
    public void Work_the_group_gives_people_scores_a_fitting_person_the_bonus_over_an_equally_fit_agent()
    {
        var item = Item(["design"]);
        var (agent, person) = (Agent("pixel", "design"), Person("Ada", "design"));

        var candidates = Score(item, [agent, person], new RoutingPreference(["design"], []));

        var (forAgent, forPerson) = (candidates.Single(c => c.Agent == 0), candidates.Single(c => c.Agent == 1));
        Assert.Equal(AssignmentCandidates.PreferredKindWeight, forPerson.Score - forAgent.Score, 9);
        Assert.True(forPerson.Preferred);
        Assert.False(forAgent.Preferred);
    }

    [Fact]
    public void Work_the_group_gives_agents_scores_the_agent_the_bonus()
    {
        var item = Item(["DESIGN"]);

        var candidates = Score(item, [Agent("pixel", "design"), Person("Ada", "design")], new RoutingPreference([], ["design"]));

        Assert.Equal(AssignmentCandidates.PreferredKindWeight, candidates.Single(c => c.Agent == 0).Score - candidates.Single(c => c.Agent == 1).Score, 9);
    }

    [Fact]
    public void The_bonus_is_not_a_filter_an_agent_alone_still_is_a_candidate_for_work_the_group_gives_people()
    {
        var candidates = Score(Item(["design"]), [Agent("pixel", "design")], new RoutingPreference(["design"], []));

        var only = Assert.Single(candidates);
        Assert.False(only.Preferred);
    }

    [Fact]
    public void An_item_without_required_skills_is_judged_by_the_skill_the_model_matched_it_to()
    {
        var item = Item([]);
        var person = Person("Ada", "visual", tag: "design");
        var preference = new RoutingPreference(["design"], []);

        Assert.True(preference.Prefers(item, person, bestSkill: 0));
        Assert.False(preference.Prefers(item, person, bestSkill: -1));
        Assert.False(preference.Prefers(Item(["backend"]), person, bestSkill: 0));
    }

    [Fact]
    public void An_item_in_both_lists_prefers_neither_kind()
    {
        var preference = new RoutingPreference(["design"], ["design"]);

        Assert.False(preference.Prefers(Item(["design"]), Person("Ada", "design"), 0));
        Assert.False(preference.Prefers(Item(["design"]), Agent("pixel", "design"), 0));
    }

    [Fact]
    public void A_clearly_fitter_member_of_the_other_kind_still_outscores_the_preferred_one()
    {
        var item = Item(["design"]);
        var affinities = new AffinityMatrix(1, 2);
        affinities.Set(0, 0, 0.9f, 0);
        affinities.Set(0, 1, 0.4f, 0);

        var candidates = AssignmentCandidates.Score([item], [Agent("pixel", "design"), Person("Ada", "design")], new Dictionary<Guid, int>(), affinities,
            preference: new RoutingPreference(["design"], []));

        Assert.True(candidates.Single(c => c.Agent == 0).Score > candidates.Single(c => c.Agent == 1).Score);
    }

    [Fact]
    public void The_reasons_priority_share_leaves_the_bonus_out()
    {
        var candidates = Score(Item(["design"]), [Person("Ada", "design")], new RoutingPreference(["design"], []));

        Assert.Equal(0, AssignmentCandidates.PartsOf(Assert.Single(candidates), load: 0, capacity: 1).Priority, 9);
    }

    private static List<AssignmentCandidate> Score(WorkItem item, Agent[] members, RoutingPreference preference)
    {
        var affinities = new AffinityMatrix(1, members.Length);
        for (var a = 0; a < members.Length; a++)
        {
            affinities.Set(0, a, 0.6f, 0);
        }

        return AssignmentCandidates.Score([item], members, new Dictionary<Guid, int>(), affinities, preference: preference);
    }

    private static WorkItem Item(List<string> requiredSkills) => new() { Id = Guid.NewGuid(), Title = "Draw the onboarding screens", RequiredSkills = requiredSkills };

    private static Agent Agent(string name, string skill) => WithSkill(new Agent { Id = Guid.NewGuid(), Name = name, Capacity = 1 }, skill, skill);

    private static Agent Person(string name, string skill, string? tag = null)
        => WithSkill(new PersonCandidate { Id = Guid.NewGuid(), Name = name, Capacity = 1 }, skill, tag ?? skill);

    private static Agent WithSkill(Agent member, string skill, string tag)
    {
        member.Skills.Add(new AgentSkill { SkillId = skill, Name = skill, Tags = [tag], Level = 0.8 });
        return member;
    }
}
