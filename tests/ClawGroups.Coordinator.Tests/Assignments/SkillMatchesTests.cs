using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class SkillMatchesTests
{
    [Fact]
    public void Skills_that_read_the_same_share_a_kind_whoever_holds_them_and_at_whatever_level()
    {
        var (first, second) = (Agent("one", Skill("sql", level: 0.9)), Agent("two", Skill("ui"), Skill("sql", level: 0.2)));

        var matches = new SkillMatches([first, second]);

        Assert.Equal(matches.KindOf(0, 0), matches.KindOf(1, 1));
        Assert.NotEqual(matches.KindOf(0, 0), matches.KindOf(1, 0));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("description")]
    [InlineData("tag")]
    [InlineData("tags' order")]
    [InlineData("example")]
    [InlineData("words moved across fields")]
    public void Skills_that_differ_in_any_field_they_are_read_by_are_kinds_apart(string field)
    {
        var other = Skill("sql");
        switch (field)
        {
            case "id": other.SkillId = "sql-2"; break;
            case "name": other.Name = "SQL!"; break;
            case "description": other.Description += " and more"; break;
            case "tag": other.Tags.Add("extra"); break;
            case "tags' order": other.Tags.Reverse(); break;
            case "example": other.Examples[0] = "Another example"; break;
            // "SQL Queries" + "Writes sql" and "SQL QueriesWrites" + " sql" join to the same words.
            case "words moved across fields": (other.Name, other.Description) = ("SQL QueriesWrites", " sql"); break;
        }

        var matches = new SkillMatches([Agent("one", Skill("sql")), Agent("two", other)]);

        Assert.NotEqual(matches.KindOf(0, 0), matches.KindOf(1, 0));
    }

    [Fact]
    public void A_member_matched_by_no_skill_is_a_kind_of_its_own()
    {
        var matches = new SkillMatches([Agent("one", Skill("sql")), Agent("two", Skill("sql"))]);

        Assert.Equal(matches.KindOf(0, 0), matches.KindOf(1, 0));
        Assert.NotEqual(matches.KindOf(0, -1), matches.KindOf(1, -1));
        Assert.NotEqual(matches.KindOf(0, 0), matches.KindOf(0, -1));
    }

    [Fact]
    public void The_fingerprint_is_the_rosters_content_not_its_objects()
    {
        var id = Guid.NewGuid();
        Agent Roster() => Agent("one", [Skill("sql"), Skill("ui")], id);

        // Two rosters read apart: equal rows, different objects, as two passes' reads are.
        var (one, other) = (new SkillMatches([Roster()]), new SkillMatches([Roster()]));

        Assert.Equal(one.Fingerprint, other.Fingerprint);
    }

    [Theory]
    [InlineData("agent's description")]
    [InlineData("skill's tag")]
    [InlineData("skills' order")]
    [InlineData("agents' order")]
    [InlineData("another agent")]
    [InlineData("words moved across a skill's fields")]
    public void The_fingerprint_changes_with_anything_that_decides_the_contenders(string change)
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        Agent[] Roster() => [Agent("one", [Skill("sql"), Skill("ui")], first), Agent("two", [Skill("sql")], second)];
        var before = new SkillMatches(Roster()).Fingerprint;

        var roster = Roster();
        switch (change)
        {
            case "agent's description": roster[0].Description += "!"; break;
            case "skill's tag": roster[1].Skills[0].Tags.Add("extra"); break;
            case "skills' order": roster[0].Skills.Reverse(); break;
            case "agents' order": roster = [roster[1], roster[0]]; break;
            case "another agent": roster = [.. roster, Agent("three")]; break;
            case "words moved across a skill's fields": (roster[1].Skills[0].Name, roster[1].Skills[0].Description) = ("SQL QueriesWrites", " sql"); break;
        }

        Assert.NotEqual(before, new SkillMatches(roster).Fingerprint);
    }

    private static AgentSkill Skill(string id, double level = 0.5) => new()
    {
        SkillId = id, Name = $"{id.ToUpperInvariant()} Queries", Description = $"Writes {id}", Tags = [id, "data"], Examples = [$"Do some {id}"], Level = level,
    };

    private static Agent Agent(string name, params AgentSkill[] skills) => Agent(name, skills, Guid.NewGuid());

    private static Agent Agent(string name, AgentSkill[] skills, Guid id)
    {
        var agent = new Agent { Id = id, Name = name, Description = "Works on tables" };
        agent.Skills.AddRange(skills);
        return agent;
    }
}
