using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>The pass's table of required skills answers as the pair-by-pair checks do, for every item, member and matched skill.</summary>
public sealed class RequiredSkillsTests
{
    [Fact]
    public void Every_pair_gets_the_answers_the_pair_by_pair_checks_give()
    {
        var members = Members();
        // The dba would meet every item it is kept from here: only the exclusion says no.
        var items = Items(members[0]);
        var table = new RequiredSkills(items, members);

        var compared = 0;
        for (var i = 0; i < items.Count; i++)
        {
            for (var m = 0; m < members.Count; m++)
            {
                Assert.True(AssignmentCandidates.CouldTake(items[i], members[m]) == table.CouldTake(i, m), $"CouldTake({items[i].Title}, {members[m].Name})");
                foreach (var best in new[] { -1, 0, 1, 2, 7 })
                {
                    Assert.Equal(AssignmentCandidates.LevelOf(items[i], members[m], best), table.LevelOf(i, m, best));
                    compared++;
                }
            }
        }

        Assert.Equal(items.Count * members.Count * 5, compared);
    }

    [Fact]
    public void A_required_skill_is_met_by_a_skill_id_or_a_tag_in_any_case_and_all_must_be_met()
    {
        var members = Members();
        List<WorkItem> items = [Item("needs both", "POSTGRES", "Frontend"), Item("needs a tag", "sql"), Item("needs none")];
        var table = new RequiredSkills(items, members);

        // The dba has postgres (id) and sql (tag) but no frontend; the full-stack member has all three.
        Assert.False(table.CouldTake(0, 0));
        Assert.True(table.CouldTake(0, 2));
        Assert.True(table.CouldTake(1, 0));
        Assert.False(table.CouldTake(1, 1));
        Assert.True(table.CouldTake(2, 1));
        // The full-stack member's postgres skill (level 0.9) meets the first item's requirement, above its react (0.4).
        Assert.Equal(0.9, table.LevelOf(0, 2, bestSkill: 1));
        Assert.Equal(0.5, table.LevelOf(2, 1, bestSkill: -1));
    }

    private static List<Agent> Members()
    {
        var dba = Member(new Agent(), "dba", ("postgres", ["sql", "Database"], 0.8), ("backup", [], 0.3));
        var designer = Member(new Agent(), "designer", ("react", ["frontend"], 0.6));
        var fullStack = Member(new Agent(), "full stack", ("Postgres", [], 0.9), ("react", ["FRONTEND", "sql"], 0.4), ("docs", ["writing"], 0.2));
        var person = Member(new PersonCandidate(), "person", ("postgres", ["frontend"], 0.7));
        var blank = Member(new Agent(), "no skills");
        return [dba, designer, fullStack, person, blank];
    }

    private static List<WorkItem> Items(Agent stalledOnOne)
    {
        var stalled = Item("stalled before", "sql");
        stalled.Assignments.Add(new Assignment { AgentId = stalledOnOne.Id, Outcome = AssignmentOutcome.Stalled });
        var steered = Item("steered away", "postgres");
        steered.Assignments.Add(new Assignment { AgentId = stalledOnOne.Id, SteeredAway = true });
        var forAPerson = Item("for a person", "postgres");
        forAPerson.AskedAssigneeKind = MemberKind.Human;
        var forAnAgent = Item("for an agent");
        forAnAgent.AskedAssigneeKind = MemberKind.Agent;
        return [Item("anything"), Item("postgres", "postgres"), Item("two", "SQL", "frontend"), Item("unknown", "cobol"), Item("a repeat", "Postgres", "postgres"),
            stalled, steered, forAPerson, forAnAgent];
    }

    private static WorkItem Item(string title, params string[] required) => new() { Id = Guid.NewGuid(), Title = title, RequiredSkills = [.. required] };

    private static Agent Member(Agent member, string name, params (string Id, List<string> Tags, double Level)[] skills)
    {
        (member.Id, member.Name, member.Capacity) = (Guid.NewGuid(), name, 2);
        foreach (var (id, tags, level) in skills)
        {
            member.Skills.Add(new AgentSkill { SkillId = id, Name = id, Tags = tags, Level = level });
        }

        return member;
    }
}
