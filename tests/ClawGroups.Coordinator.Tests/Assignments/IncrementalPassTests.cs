using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>What a pass weighs when little changed since the last one: the swarm's steady state, a slot freed and a few new items.</summary>
public sealed class IncrementalPassTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_weighs_against_everyone_only_the_items_no_pass_judged_and_the_rest_only_against_members_with_a_free_slot(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var ops = await group.AddAgentAsync("ops", capacity: 1, Skill("kubernetes"));
        await group.AddAgentAsync("dba", capacity: 1, Skill("postgres"));
        foreach (var title in new[] { "Restart the pods", "Vacuum the tables", "Scale the cluster" })
        {
            await group.AddItemAsync(title);
        }

        var model = new ScriptedSkillModel { Affinity = (item, profile) => (Fit(item.Title, profile.Name), 0) };
        Assert.Equal(2, await group.RunPassAsync(model));
        Assert.Equal([(3, 2)], model.Scored.Select(c => (c.Items.Length, c.Profiles.Length)));

        await FinishOffersOfAsync(database, ops.Id);
        await group.AddItemAsync("Drain the node");
        model.Scored.Clear();
        Assert.Equal(1, await group.RunPassAsync(model));

        // The new item against both members (its confidence), the one left over only against ops, whose slot is free.
        var calls = model.Scored.ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["Drain the node"], calls[0].Items);
        Assert.Equal(["dba", "ops"], calls[0].Profiles.Order());
        Assert.Equal(["ops"], calls[1].Profiles);
        Assert.Single(calls[1].Items);
        await using var reader = database.NewContext();
        var offered = await reader.WorkItems.Where(w => w.AssigneeAgentId == ops.Id && w.State == WorkItemState.Assigned).Select(w => w.Title).SingleAsync();
        Assert.Equal("Drain the node", offered);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_change_of_roster_has_every_item_weighed_against_everyone_again(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("ops", capacity: 1, Skill("kubernetes"));
        await group.AddItemAsync("Restart the pods");
        await group.AddItemAsync("Vacuum the tables");
        var model = new ScriptedSkillModel { Affinity = (item, profile) => (Fit(item.Title, profile.Name), 0) };
        await group.RunPassAsync(model);

        await group.AddAgentAsync("dba", capacity: 1, Skill("postgres"));
        model.Scored.Clear();
        Assert.Equal(1, await group.RunPassAsync(model));

        var judged = model.Scored.First();
        Assert.Equal(["Vacuum the tables"], judged.Items);
        Assert.Equal(["dba", "ops"], judged.Profiles.Order());
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task With_no_free_slot_a_pass_weighs_nothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("full", capacity: 0);
        await group.AddItemAsync("Restart the pods");
        var model = new ScriptedSkillModel();

        Assert.Equal(0, await group.RunPassAsync(model));

        Assert.Empty(model.Scored);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_item_judged_ambiguous_by_an_earlier_pass_is_held_when_a_slot_frees(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("ops", capacity: 1, Skill("kubernetes"));
        await group.AddAgentAsync("sre", capacity: 1, Skill("observability"));
        await group.AddItemAsync("Restart the pods", w => w.Priority = 2);
        await group.AddItemAsync("Tune the alerts", w => w.Priority = 2);
        var unclear = await group.AddItemAsync("Look into the flaky thing");
        var model = new ScriptedSkillModel
        {
            Affinity = (item, profile) => item.Title == unclear.Title ? (0.6f, 0) : (Fit(item.Title, profile.Name), 0),
        };
        var options = new CoordinatorOptions { MinRoutingConfidence = 0.05 };

        // Two slots, two clear items of higher priority: the unclear one is judged but not offered, and not yet held.
        Assert.Equal(2, await group.RunPassAsync(model, options));
        model.Scored.Clear();
        await FinishAllOffersAsync(database, group.GroupId);
        Assert.Equal(0, await group.RunPassAsync(model, options));

        await using var reader = database.NewContext();
        Assert.NotNull((await reader.WorkItems.SingleAsync(w => w.Id == unclear.Id)).RoutingHeldAt);
        Assert.DoesNotContain(model.Scored, call => call.Profiles.Length == 2);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_item_rewritten_between_passes_is_weighed_with_its_new_reading_not_the_one_kept_from_before(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist");
        // The required skill keeps it ready from pass to pass.
        var item = await group.AddItemAsync("Rotate the TLS certificates", w =>
        {
            w.RequiredSkills.Add("pki");
            (w.ReadingVersion, w.ReadingVector) = ("v1", ItemReadings.ToBytes([1f, 2f]));
        });
        var model = new ScriptedSkillModel(readingVersion: "v1");
        await group.RunPassAsync(model);

        // As an edit does: new text, its reading, and the version bumped.
        await using (var context = database.NewContext())
        {
            await context.WorkItems.Where(w => w.Id == item.Id).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.Title, "Rotate the SSH keys").SetProperty(w => w.ReadingVector, ItemReadings.ToBytes([3f, 4f]))
                .SetProperty(w => w.Version, w => w.Version + 1));
        }

        model.ScoreCalls.Clear();
        await group.RunPassAsync(model);

        var scored = Assert.Single(Assert.Single(model.ScoreCalls));
        Assert.Equal("Rotate the SSH keys", scored.Title);
        Assert.Equal([3f, 4f], scored.Reading!.Vector);
    }

    /// <summary>0.9 where the item's words name the member's field (draining a node most of all), 0.3 elsewhere.</summary>
    private static float Fit(string title, string member) => (title, member) switch
    {
        ("Drain the node", "ops") => 0.95f,
        ("Restart the pods" or "Scale the cluster", "ops") => 0.9f,
        ("Vacuum the tables", "dba") => 0.9f,
        ("Tune the alerts", "sre") => 0.9f,
        _ => 0.3f,
    };

    private static AgentSkill Skill(string id) => new() { SkillId = id, Name = id, Level = 0.8 };

    private static async Task FinishOffersOfAsync(TestDatabase database, Guid agentId)
    {
        await using var context = database.NewContext();
        await context.WorkItems.Where(w => w.AssigneeAgentId == agentId).ExecuteUpdateAsync(set => set.SetProperty(w => w.State, WorkItemState.Done));
    }

    private static async Task FinishAllOffersAsync(TestDatabase database, Guid groupId)
    {
        await using var context = database.NewContext();
        await context.WorkItems.Where(w => w.GroupId == groupId && w.State == WorkItemState.Assigned)
            .ExecuteUpdateAsync(set => set.SetProperty(w => w.State, WorkItemState.Done));
    }
}
