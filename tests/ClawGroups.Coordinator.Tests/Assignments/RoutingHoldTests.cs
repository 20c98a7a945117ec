using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Items the model cannot route with confidence wait for a person, with their best candidates, until a person acts.</summary>
public sealed class RoutingHoldTests
{
    private static readonly Caller Ada = new(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true);

    /// <summary>"kube" and "ops" fit pod work almost equally; "pixel" fits the form clearly better than anyone.</summary>
    private static readonly ScriptedSkillModel Model = new()
    {
        Affinity = (item, profile) => (item.Title, profile.Name) switch
        {
            ("Restart the stuck pods", "kube") => (0.81f, 0),
            ("Restart the stuck pods", "ops") => (0.79f, 0),
            ("Restart the stuck pods", _) => (0.20f, 0),
            (_, "pixel") => (0.90f, 0),
            _ => (0.30f, 0),
        },
        Words = match => match.Item.Title.Contains("pods", StringComparison.Ordinal) ? ["stuck", "pods"] : [],
    };

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_item_whose_best_candidates_fit_almost_equally_waits_in_ready_with_its_three_best_and_the_rest_is_offered(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, form) = await SeedAsync(database);

        var offered = await group.RunPassAsync(Model);

        Assert.Equal(1, offered);
        await using var reader = database.NewContext();
        var held = await reader.LoadWorkItemAsync(pods.Id, CancellationToken.None);
        Assert.Equal(WorkItemState.Ready, held!.State);
        Assert.Empty(held.Assignments);
        var routing = (await reader.ToViewAsync(held, CancellationToken.None)).Routing!;
        Assert.True(routing.NeedsPerson);
        Assert.Equal(0.02, routing.Confidence, 3);
        Assert.Equal(["kube", "ops", "pixel"], routing.Candidates.Select(c => c.Name));
        Assert.All(routing.Candidates, c => Assert.Equal("agent", c.Kind));
        Assert.Equal(0.81, routing.Candidates[0].Affinity, 3);
        Assert.Equal("stuck pods → Infrastructure (Kubernetes); fit 0.81, next best 0.79; skill level 0.80; load 0/2", routing.Candidates[0].Reason);
        var trail = await reader.TrailEvents.SingleAsync(e => e.WorkItemId == pods.Id && e.Type == TrailEventTypes.NeedsRouting.Name);
        Assert.Contains("\"confidence\":0.02", trail.DataJson, StringComparison.Ordinal);
        Assert.Equal(WorkItemState.Assigned, (await reader.WorkItems.SingleAsync(w => w.Id == form.Id)).State);
        Assert.Null((await reader.ToViewAsync((await reader.LoadWorkItemAsync(form.Id, CancellationToken.None))!, CancellationToken.None)).Routing);
    }

    [Fact]
    public async Task A_held_item_stays_held_pass_after_pass_until_a_person_acts()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (group, pods, _) = await SeedAsync(database);
        await group.RunPassAsync(Model);

        var later = await group.RunPassAsync(Model);

        await using var reader = database.NewContext();
        var item = await reader.WorkItems.SingleAsync(w => w.Id == pods.Id);
        Assert.Equal(0, later);
        Assert.Equal(WorkItemState.Ready, item.State);
        Assert.NotNull(item.RoutingHeldAt);
        Assert.Equal(1, await reader.TrailEvents.CountAsync(e => e.Type == TrailEventTypes.NeedsRouting.Name));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_member_who_joins_after_an_item_was_held_gets_it_when_it_fits_clearly_better(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, _) = await SeedAsync(database);
        await group.RunPassAsync(WithNewcomer);

        await JoinAfterTheHoldAsync(database, group, pods, "sre", new AgentSkill { SkillId = "sre", Name = "Reliability", Tags = ["pods"], Level = 0.8 });
        var offered = await group.RunPassAsync(WithNewcomer);

        Assert.Equal(1, offered);
        await AssertOfferedToAsync(database, pods.Id, "sre");
    }

    [Fact]
    public async Task A_member_who_joins_and_changes_nothing_leaves_the_item_held_with_no_second_question_in_the_trail()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (group, pods, _) = await SeedAsync(database);
        await group.RunPassAsync(WithNewcomer);

        await JoinAfterTheHoldAsync(database, group, pods, "writer", new AgentSkill { SkillId = "docs", Name = "Writing", Tags = ["docs"], Level = 0.8 });
        var offered = await group.RunPassAsync(WithNewcomer);
        var again = await group.RunPassAsync(WithNewcomer);

        await using var reader = database.NewContext();
        var item = await reader.WorkItems.SingleAsync(w => w.Id == pods.Id);
        Assert.Equal(0, offered + again);
        Assert.NotNull(item.RoutingHeldAt);
        Assert.Equal(1, await reader.TrailEvents.CountAsync(e => e.Type == TrailEventTypes.NeedsRouting.Name));
        Assert.Contains("load 1/2", item.RoutingCandidatesJson, StringComparison.Ordinal); // the reasons say the loads of now
    }

    /// <summary>A member registered a moment after the item was held, as in a swarm whose agents are still joining.</summary>
    private static async Task JoinAfterTheHoldAsync(TestDatabase database, PassGroup group, WorkItem held, string name, AgentSkill skill)
    {
        var agent = await group.AddAgentAsync(name, 2, skill);
        await using var context = database.NewContext();
        var heldAt = (await context.WorkItems.SingleAsync(w => w.Id == held.Id)).RoutingHeldAt!.Value;
        await context.Agents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.RegisteredAt, heldAt.AddSeconds(1)));
    }

    /// <summary><see cref="Model"/>, and "sre", who fits the pods clearly best; "writer" fits nothing.</summary>
    private static readonly ScriptedSkillModel WithNewcomer = new()
    {
        Affinity = (item, profile) => (item.Title, profile.Name) switch
        {
            ("Restart the stuck pods", "sre") => (0.95f, 0),
            (_, "sre" or "writer") => (0.10f, 0),
            _ => Model.Affinity(item, profile),
        },
        Words = Model.Words,
    };

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_person_s_pick_of_a_candidate_gives_it_to_that_member_with_the_candidate_s_reason_and_clears_the_hold(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, _) = await SeedAsync(database);
        await group.RunPassAsync(Model);
        await using var context = database.NewContext();
        var ops = await context.Agents.SingleAsync(a => a.Name == "ops");

        var picked = await HumanWork(context).ReassignAsync(Ada, pods.Id, new ReassignRequest(ops.Id), CancellationToken.None);

        Assert.True(picked.Succeeded, picked.Failure?.Detail);
        Assert.Equal("assigned", picked.Value!.State);
        Assert.Equal(ops.Id, picked.Value.Assignee!.Id);
        Assert.Null(picked.Value.Routing);
        Assert.Equal("picked by Ada; stuck pods → Operations (on-call); fit 0.79, next best 0.81; skill level 0.80; load 0/2", Assert.Single(picked.Value.Assignments).Reason);
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == pods.Id);
        Assert.Null(stored.RoutingHeldAt);
        Assert.Null(stored.RoutingCandidatesJson);
    }

    [Fact]
    public async Task A_minimum_of_zero_turns_the_rule_off_and_routes_even_items_held_before()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (group, pods, _) = await SeedAsync(database);
        await group.RunPassAsync(Model);

        var offered = await group.RunPassAsync(Model, new CoordinatorOptions { MinRoutingConfidence = 0 });

        Assert.Equal(1, offered);
        await AssertOfferedToAsync(database, pods.Id, "kube");
    }

    [Fact]
    public async Task Cancelling_a_held_item_clears_the_hold()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (group, pods, _) = await SeedAsync(database);
        await group.RunPassAsync(Model);
        await using var context = database.NewContext();

        var cancelled = await HumanWork(context).CancelAsync(Ada, pods.Id, CancellationToken.None);

        Assert.Equal("cancelled", cancelled.Value!.State);
        Assert.Null(cancelled.Value.Routing);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Editing_a_held_item_withdraws_the_question_and_its_new_text_is_read(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, _) = await SeedAsync(database);
        var reading = new ScriptedSkillModel(readingVersion: "v1") { Affinity = Model.Affinity };
        await group.RunPassAsync(reading);
        await using var context = database.NewContext();

        var written = new WrittenTexts();
        var edited = await WorkItems(context, new WorkItemLifecycle(context, TimeProvider.System, written))
            .EditAsync(Ada, pods.Id, new EditWorkItemRequest("Restart the stuck pods in staging", null, null, null), CancellationToken.None);
        await written.ReadAsync(database, reading);

        Assert.True(edited.Succeeded, edited.Failure?.Detail);
        Assert.Null(edited.Value!.Routing);
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == pods.Id);
        Assert.Null(stored.RoutingHeldAt);
        Assert.Equal(ScriptedSkillModel.VectorOf("Restart the stuck pods in staging"), ItemReadings.Of(stored)!.Vector);
        Assert.Equal(1, await reader.TrailEvents.CountAsync(e => e.WorkItemId == pods.Id && e.Type == "work.edited"));
    }

    [Fact]
    public async Task Work_a_member_holds_is_not_edited_under_it()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (group, _, form) = await SeedAsync(database);
        await group.RunPassAsync(Model);
        await using var context = database.NewContext();

        var edited = await WorkItems(context).EditAsync(Ada, form.Id, new EditWorkItemRequest(null, "Also the password field", null, null), CancellationToken.None);

        Assert.Equal(FailureKind.Conflict, edited.Failure!.Kind);
    }

    private static WorkItemService WorkItems(ClawDbContext context, WorkItemLifecycle? lifecycle = null) => new(
        context, lifecycle ?? new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance));

    private static HumanWorkService HumanWork(ClawDbContext context)
    {
        var lifecycle = new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance);
        return new HumanWorkService(context, lifecycle, WorkItems(context, lifecycle), new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions()));
    }

    private static async Task<(PassGroup Group, WorkItem Pods, WorkItem Form)> SeedAsync(TestDatabase database)
    {
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("kube", 2, new AgentSkill { SkillId = "infra", Name = "Infrastructure", Tags = ["Kubernetes"], Level = 0.8 });
        await group.AddAgentAsync("ops", 2, new AgentSkill { SkillId = "ops", Name = "Operations", Tags = ["operations", "on-call"], Level = 0.8 });
        await group.AddAgentAsync("pixel", 2, new AgentSkill { SkillId = "ui", Name = "Front-end", Tags = ["react"], Level = 0.8 });
        var pods = await group.AddItemAsync("Restart the stuck pods");
        var form = await group.AddItemAsync("Fix the sign-up form");
        return (group, pods, form);
    }

    /// <summary>The item was offered to the named agent and no longer waits for a person.</summary>
    private static async Task AssertOfferedToAsync(TestDatabase database, Guid itemId, string agentName)
    {
        await using var reader = database.NewContext();
        var item = await reader.WorkItems.SingleAsync(w => w.Id == itemId);
        Assert.Equal(WorkItemState.Assigned, item.State);
        Assert.Equal(agentName, (await reader.Agents.SingleAsync(a => a.Id == item.AssigneeAgentId)).Name);
        Assert.Null(item.RoutingHeldAt);
    }
}
