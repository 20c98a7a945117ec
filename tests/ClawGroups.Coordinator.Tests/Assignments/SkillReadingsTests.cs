using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Each skill of an agent's card is read once and the reading kept; a pass on another node, or after a restart, reads none.</summary>
public sealed class SkillReadingsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_keeps_what_it_read_of_the_cards_and_another_node_s_first_pass_reads_no_card_again(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var unread = await group.AddAgentAsync("unread", 2,
            new AgentSkill { SkillId = "k8s", Name = "Kubernetes", Level = 0.8 }, new AgentSkill { SkillId = "tls", Name = "Certificates and TLS", Level = 0.6 });
        var outdated = await group.AddAgentAsync("outdated", 2, new AgentSkill { SkillId = "books", Name = "Bookkeeping", Level = 0.7 });
        await using (var context = database.NewContext())
        {
            context.AgentSkillReadings.Add(new AgentSkillReading { AgentId = outdated.Id, SkillId = "books", ReadingVersion = "v0", ReadingVector = ItemReadings.ToBytes([9f]) });
            await context.SaveChangesAsync();
        }

        // An item no one has the skill for: every pass weighs the members, and none takes it.
        await group.AddItemAsync("Rotate the TLS certificates", w => w.RequiredSkills = ["pki-expert"]);
        var firstNode = new ScriptedSkillModel(readingVersion: "v1");

        await group.RunPassAsync(firstNode);

        var read = Assert.Single(firstNode.ProfileReads);
        Assert.Equal(["outdated", "unread"], read.Select(p => p.Name).Order());
        Assert.All(read.SelectMany(p => p.Skills), skill => Assert.Null(skill.Reading));
        await using (var reader = database.NewContext())
        {
            var kept = await reader.AgentSkillReadings.OrderBy(r => r.SkillId).ToListAsync();
            Assert.Equal(["books", "k8s", "tls"], kept.Select(r => r.SkillId));
            Assert.All(kept, r => Assert.Equal("v1", r.ReadingVersion));
            Assert.Equal(ScriptedSkillModel.VectorOf("Certificates and TLS"), ItemReadings.ToVector(kept[2].ReadingVector));
        }

        // Another node (or this one restarted): its model has read nothing, and is handed every card's kept readings.
        var secondNode = new ScriptedSkillModel(readingVersion: "v1");
        await group.RunPassAsync(secondNode);
        await group.RunPassAsync(secondNode);

        var handed = Assert.Single(secondNode.ProfileReads);
        Assert.All(handed.SelectMany(p => p.Skills), skill =>
        {
            Assert.Equal("v1", skill.Reading?.Version);
            Assert.Equal(ScriptedSkillModel.VectorOf(skill.Name), skill.Reading!.Vector);
        });
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Nothing_is_kept_or_looked_up_while_the_served_model_keeps_no_readings(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("lexical");
        await group.AddItemAsync("Rotate the TLS certificates", w => w.RequiredSkills = ["pki-expert"]);
        var model = new ScriptedSkillModel(readingVersion: null);

        await group.RunPassAsync(model);

        Assert.Empty(model.ProfileReads);
        await using var reader = database.NewContext();
        Assert.False(await reader.AgentSkillReadings.AnyAsync(r => r.AgentId == agent.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Two_nodes_keeping_the_same_card_s_readings_at_once_both_succeed(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("shared");
        await using var first = database.NewContext();
        await using var second = database.NewContext();
        var members = new[] { agent };

        await Task.WhenAll(
            SkillReadings.ForPassAsync(first, new ScriptedSkillModel("v1"), members, CancellationToken.None),
            SkillReadings.ForPassAsync(second, new ScriptedSkillModel("v1"), members, CancellationToken.None));

        await using var reader = database.NewContext();
        Assert.Equal("general", Assert.Single(await reader.AgentSkillReadings.Where(r => r.AgentId == agent.Id).ToListAsync()).SkillId);
    }
}
