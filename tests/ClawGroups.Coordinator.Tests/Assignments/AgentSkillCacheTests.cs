using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>
/// What a pass reads of its agents' skills: each agent's once on a node (cards do not change after registration), read
/// again only by another node or once the agent has left the group's roster and come back.
/// </summary>
public sealed class AgentSkillCacheTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Skills_are_read_once_a_node(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var ops = await group.AddAgentAsync("ops", skills: [Skill("deploy"), Skill("observe")]);
        var data = await group.AddAgentAsync("data", skills: [Skill("sql")]);
        var cache = new AgentSkillCache();

        var first = await ReadRosterAsync(database, cache, group.GroupId);
        Assert.Equal(["deploy", "observe"], first[ops.Id].Skills.Select(s => s.SkillId).Order());
        Assert.Equal(["sql"], first[data.Id].Skills.Select(s => s.SkillId));

        await RenameSkillsAsync(database, "renamed behind the cache");

        var second = await ReadRosterAsync(database, cache, group.GroupId);
        Assert.All(second.Values.SelectMany(a => a.Skills), s => Assert.NotEqual("renamed behind the cache", s.Name));
        // Another node (or this one after a restart) reads them.
        var elsewhere = await ReadRosterAsync(database, new AgentSkillCache(), group.GroupId);
        Assert.All(elsewhere.Values.SelectMany(a => a.Skills), s => Assert.Equal("renamed behind the cache", s.Name));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Each_read_gives_each_agent_a_list_of_its_own(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var ops = await group.AddAgentAsync("ops", skills: [Skill("deploy"), Skill("observe")]);
        var cache = new AgentSkillCache();

        // A pass puts its agents' skills in its own order; another pass's lists are not touched.
        (await ReadRosterAsync(database, cache, group.GroupId))[ops.Id].Skills.Clear();

        Assert.Equal(2, (await ReadRosterAsync(database, cache, group.GroupId))[ops.Id].Skills.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_agent_that_left_the_roster_is_read_again_when_it_comes_back(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var stays = await group.AddAgentAsync("stays", skills: [Skill("deploy")]);
        var leaves = await group.AddAgentAsync("leaves", skills: [Skill("sql")]);
        var cache = new AgentSkillCache();
        await ReadRosterAsync(database, cache, group.GroupId);

        await ReadRosterAsync(database, cache, group.GroupId, only: stays.Id);
        await RenameSkillsAsync(database, "read again");

        var back = await ReadRosterAsync(database, cache, group.GroupId);
        Assert.Equal("read again", back[leaves.Id].Skills.Single().Name);
        Assert.NotEqual("read again", back[stays.Id].Skills.Single().Name);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_agent_without_skills_is_remembered_as_having_none(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var bare = await group.AddAgentAsync("bare", skills: [Skill("temporary")]);
        await using (var context = database.NewContext())
        {
            await context.AgentSkills.Where(s => s.AgentId == bare.Id).ExecuteDeleteAsync();
        }

        var cache = new AgentSkillCache();
        Assert.Empty((await ReadRosterAsync(database, cache, group.GroupId))[bare.Id].Skills);
        await using (var context = database.NewContext())
        {
            context.AgentSkills.Add(new AgentSkill { AgentId = bare.Id, SkillId = "added", Name = "added behind the cache", Level = 0.8 });
            await context.SaveChangesAsync();
        }

        Assert.Empty((await ReadRosterAsync(database, cache, group.GroupId))[bare.Id].Skills);
    }

    private static AgentSkill Skill(string id) => new() { SkillId = id, Name = id, Level = 0.8 };

    /// <summary>The group's agents read as a pass reads them (untracked, without their skills), with the cache's skills.</summary>
    private static async Task<Dictionary<Guid, Agent>> ReadRosterAsync(TestDatabase database, AgentSkillCache cache, Guid groupId, Guid? only = null)
    {
        await using var context = database.NewContext();
        var agents = await context.Agents.AsNoTracking().Where(a => a.GroupId == groupId && (only == null || a.Id == only)).OrderBy(a => a.Id).ToListAsync();
        await cache.FillAsync(context, groupId, agents, CancellationToken.None);
        return agents.ToDictionary(a => a.Id);
    }

    private static async Task RenameSkillsAsync(TestDatabase database, string name)
    {
        await using var context = database.NewContext();
        await context.AgentSkills.ExecuteUpdateAsync(set => set.SetProperty(s => s.Name, name));
    }
}
