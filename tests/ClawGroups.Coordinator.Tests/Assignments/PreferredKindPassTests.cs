using ClawGroups.Data.Accounts;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Inference.Lexical;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>
/// A group's preference for people or agents (decision 0031) in a real pass on PostgreSQL: of a present person and an agent
/// who fit an item equally (the same skill), the preferred kind is offered it.
/// </summary>
public sealed class PreferredKindPassTests
{
    private static readonly LexicalSkillModel Model = new();

    [Theory]
    [InlineData(MemberKind.Human)]
    [InlineData(MemberKind.Agent)]
    public async Task Of_an_equally_fit_person_and_agent_the_kind_the_group_prefers_for_the_skill_gets_the_item(MemberKind preferred)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var group = await PassGroup.CreateAsync(database);
        await PreferAsync(database, group.GroupId, preferred, "infra");
        var agent = await group.AddAgentAsync("kube", 1, Skill());
        var person = await AddPresentPersonAsync(database, group.GroupId, "Ada");
        var item = await group.AddItemAsync("Upgrade the kubernetes cluster", w => w.RequiredSkills = ["infra"]);

        await group.RunPassAsync(Model);

        await using var context = database.NewContext();
        var offered = await context.WorkItems.SingleAsync(w => w.Id == item.Id);
        Assert.Equal(WorkItemState.Assigned, offered.State);
        Assert.Equal(preferred, offered.AssigneeKind);
        Assert.Equal(preferred == MemberKind.Human ? person : agent.Id, offered.AssigneeUserId ?? offered.AssigneeAgentId);
        var reason = (await context.Assignments.SingleAsync(a => a.WorkItemId == item.Id)).Reason;
        Assert.Contains(preferred == MemberKind.Human ? "; the group prefers people for this;" : "; the group prefers agents for this;", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Work_the_group_gives_people_still_goes_to_an_agent_when_no_person_is_present()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var group = await PassGroup.CreateAsync(database);
        await PreferAsync(database, group.GroupId, MemberKind.Human, "infra");
        var agent = await group.AddAgentAsync("kube", 1, Skill());
        var item = await group.AddItemAsync("Upgrade the kubernetes cluster", w => w.RequiredSkills = ["infra"]);

        await group.RunPassAsync(Model);

        await using var context = database.NewContext();
        Assert.Equal(agent.Id, (await context.WorkItems.SingleAsync(w => w.Id == item.Id)).AssigneeAgentId);
    }

    private static AgentSkill Skill() => new() { SkillId = "infra", Name = "Infrastructure", Tags = ["kubernetes"], Level = 0.8 };

    private static async Task PreferAsync(TestDatabase database, Guid groupId, MemberKind kind, string skill)
    {
        await using var context = database.NewContext();
        var group = await context.Groups.SingleAsync(g => g.Id == groupId);
        if (kind == MemberKind.Human)
        {
            group.PreferPeopleFor = [skill];
        }
        else
        {
            group.PreferAgentsFor = [skill];
        }

        await context.SaveChangesAsync();
    }

    private static async Task<Guid> AddPresentPersonAsync(TestDatabase database, Guid groupId, string name)
    {
        var user = new ClawUser
        {
            Id = Guid.CreateVersion7(), UserName = $"{name}-{Guid.NewGuid():N}@example.com", DisplayName = name, CreatedAt = DateTimeOffset.UtcNow,
            LastApiCallAt = DateTimeOffset.UtcNow,
        };
        await using var context = database.NewContext();
        context.Users.Add(user);
        context.GroupMembers.Add(new GroupMember
        {
            GroupId = groupId, UserId = user.Id, Role = GroupRole.Member, JoinedAt = DateTimeOffset.UtcNow,
            SkillsJson = PersonSkills.Write([Skill()]), Capacity = 1, AcceptsWork = true,
        });
        await context.SaveChangesAsync();
        return user.Id;
    }
}
