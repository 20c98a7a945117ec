using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Lexical;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>People beside agents in a real pass (decision 0029): who an item may go to, and the track record in its reason.</summary>
public sealed class PeopleInThePassTests
{
    private static readonly LexicalSkillModel Model = new();

    [Fact]
    public async Task An_item_asking_for_an_agent_is_not_offered_to_a_present_person_and_one_asking_for_a_person_not_to_an_agent()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("kube", 2, Skill("infra", "Infrastructure", "kubernetes"));
        var person = await AddPersonAsync(database, group.GroupId, "Ada", lastApiCallAt: DateTimeOffset.UtcNow, Skill("infra", "Infrastructure", "kubernetes"));
        var forAgent = await group.AddItemAsync("Restart the kubernetes pods", w => w.AskedAssigneeKind = MemberKind.Agent);
        var forPerson = await group.AddItemAsync("Review the kubernetes upgrade plan", w => w.AskedAssigneeKind = MemberKind.Human);

        await group.RunPassAsync(Model, new() { MinRoutingConfidence = 0 });

        await using var context = database.NewContext();
        var items = await context.WorkItems.ToDictionaryAsync(w => w.Id);
        Assert.Equal((MemberKind.Agent, agent.Id), (items[forAgent.Id].AssigneeKind, items[forAgent.Id].AssigneeAgentId));
        Assert.Equal((MemberKind.Human, person), (items[forPerson.Id].AssigneeKind, items[forPerson.Id].AssigneeUserId));
        Assert.Equal(WorkItemState.Assigned, items[forPerson.Id].State);
    }

    [Fact]
    public async Task A_person_away_longer_than_presence_lasts_is_not_a_candidate()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        await AddPersonAsync(database, group.GroupId, "Ada", DateTimeOffset.UtcNow - PersonPresence.AfterApiCall - TimeSpan.FromMinutes(1), Skill("design", "Visual design", "figma"));
        var item = await group.AddItemAsync("Design the onboarding screens in Figma", w => w.AskedAssigneeKind = MemberKind.Human);

        var offered = await group.RunPassAsync(Model);

        Assert.Equal(0, offered);
        await using var context = database.NewContext();
        Assert.Equal(WorkItemState.Ready, (await context.WorkItems.SingleAsync(w => w.Id == item.Id)).State);
    }

    [Fact]
    public async Task The_offer_keeps_its_skill_area_and_its_reason_names_the_members_record_there()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("kube", 2, Skill("infra", "Infrastructure", "kubernetes"));
        var earlier = await group.AddItemAsync("Restart the kubernetes pods", w => w.State = WorkItemState.Done);
        await using (var context = database.NewContext())
        {
            foreach (var (outcome, attempt) in new[] { (AssignmentOutcome.Completed, 1), (AssignmentOutcome.Completed, 2), (AssignmentOutcome.Stalled, 3) })
            {
                context.Assignments.Add(new Assignment
                {
                    Id = Guid.CreateVersion7(), WorkItemId = earlier.Id, GroupId = group.GroupId, MemberKind = MemberKind.Agent, AgentId = agent.Id,
                    Attempt = attempt, OfferedAt = DateTimeOffset.UtcNow, EndedAt = DateTimeOffset.UtcNow, Outcome = outcome, SkillArea = "infra",
                });
            }

            await context.SaveChangesAsync();
        }

        var item = await group.AddItemAsync("Fix the kubernetes node pool autoscaling");
        await group.RunPassAsync(Model);

        await using var after = database.NewContext();
        var offer = await after.Assignments.SingleAsync(a => a.WorkItemId == item.Id);
        Assert.Equal("infra", offer.SkillArea);
        Assert.Contains("; accepted 2 of 3 in Infrastructure; load 0/2", offer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_present_person_s_skills_are_read_by_the_pass_and_not_kept_as_a_card_s()
    {
        // Cards' readings are kept (SkillReadings); a person's skills are edited in place and have no card's rows to keep them by.
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("kube", 2, Skill("infra", "Infrastructure", "kubernetes"));
        await AddPersonAsync(database, group.GroupId, "Ada", lastApiCallAt: DateTimeOffset.UtcNow, Skill("design", "Visual design", "figma"));
        await group.AddItemAsync("Restart the kubernetes pods", w => w.RequiredSkills = ["pki-expert"]);
        var model = new ScriptedSkillModel(readingVersion: "v1");

        await group.RunPassAsync(model);

        Assert.Equal(["kube"], model.ProfileReads.SelectMany(read => read.Select(p => p.Name)));
        Assert.Contains("Ada", model.Scored.SelectMany(s => s.Profiles));
        await using var context = database.NewContext();
        Assert.Equal([agent.Id], await context.AgentSkillReadings.Select(r => r.AgentId).Distinct().ToListAsync());
    }

    private static AgentSkill Skill(string id, string name, string tag) => new() { SkillId = id, Name = name, Tags = [tag], Level = 0.8 };

    private static async Task<Guid> AddPersonAsync(TestDatabase database, Guid groupId, string name, DateTimeOffset lastApiCallAt, params AgentSkill[] skills)
    {
        var user = new ClawUser { Id = Guid.CreateVersion7(), UserName = $"{name}-{Guid.NewGuid():N}@example.com", DisplayName = name, CreatedAt = DateTimeOffset.UtcNow, LastApiCallAt = lastApiCallAt };
        await using var context = database.NewContext();
        context.Users.Add(user);
        context.GroupMembers.Add(new GroupMember
        {
            GroupId = groupId, UserId = user.Id, Role = GroupRole.Member, JoinedAt = DateTimeOffset.UtcNow,
            SkillsJson = PersonSkills.Write(skills), Capacity = 1, AcceptsWork = true,
        });
        await context.SaveChangesAsync();
        return user.Id;
    }
}
