using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

using ClawGroups.Coordinator.Tests.Live;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>
/// A large pass writes its holds, its agents' claims and its trail set-based (PassHolds, PassOffers, TrailRows), a small one
/// as tracked saves (<see cref="CoordinatorOptions.SetBasedPassWritesFrom"/>). Either way live clients hear of every row,
/// each version moves on once, and a pass that finds any of those rows changed under it writes nothing at all.
/// </summary>
public sealed class PassWriteTests
{
    public static TheoryData<DatabaseProvider, bool> ProvidersAndWrites => new()
    {
        { DatabaseProvider.Postgres, true }, { DatabaseProvider.Postgres, false }, { DatabaseProvider.Sqlite, true }, { DatabaseProvider.Sqlite, false },
    };

    /// <summary>Every pass set-based, or none: this test group's passes write two rows.</summary>
    private static CoordinatorOptions Writing(bool setBased) => new() { SetBasedPassWritesFrom = setBased ? 0 : 1_000 };

    /// <summary>"kube" and "ops" fit pod work almost equally (the pods are held); "pixel" fits the form clearly best (offered).</summary>
    private static ScriptedSkillModel Model(Action? whileScoring = null)
    {
        var once = 0;
        return new ScriptedSkillModel
        {
            Affinity = (item, profile) =>
            {
                if (Interlocked.Exchange(ref once, 1) == 0)
                {
                    whileScoring?.Invoke();
                }

                return (item.Title, profile.Name) switch
                {
                    ("Restart the stuck pods", "kube") => (0.81f, 0),
                    ("Restart the stuck pods", "ops") => (0.79f, 0),
                    ("Restart the stuck pods", _) => (0.20f, 0),
                    (_, "pixel") => (0.90f, 0),
                    _ => (0.30f, 0),
                };
            },
        };
    }

    [Theory]
    [MemberData(nameof(ProvidersAndWrites))]
    public async Task Live_clients_hear_of_every_row_the_pass_writes_once_it_commits_and_each_version_moves_on_once(DatabaseProvider provider, bool setBased)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, form, pixel) = await SeedAsync(database);
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);

        var offered = await group.RunPassAsync(Model(), context, Writing(setBased));

        Assert.Equal(1, offered);
        await using var reader = database.NewContext();
        var held = await reader.WorkItems.SingleAsync(w => w.Id == pods.Id);
        Assert.Equal(pods.Version + 1, held.Version);
        Assert.Equal(held.RoutingHeldAt, held.UpdatedAt);
        Assert.Equal(pixel.Version + 1, (await reader.Agents.SingleAsync(a => a.Id == pixel.Id)).Version);
        var offeredItem = await reader.WorkItems.SingleAsync(w => w.Id == form.Id);
        var attempt = await reader.Assignments.SingleAsync(a => a.WorkItemId == form.Id);
        Assert.Equal((form.Version + 1, WorkItemState.Assigned, pixel.Id, attempt.Id), (offeredItem.Version, offeredItem.State, offeredItem.AssigneeAgentId!.Value, offeredItem.CurrentAssignmentId!.Value));
        Assert.Equal((pixel.Id, AssignmentOutcome.Active, 1), (attempt.AgentId!.Value, attempt.Outcome, attempt.Attempt));
        var trail = await reader.TrailEvents.Where(e => e.GroupId == group.GroupId).ToListAsync();
        Assert.Equal([TrailEventTypes.Assigned.Name, TrailEventTypes.NeedsRouting.Name], trail.Select(e => e.Type).Order());
        Assert.All(trail, e => Assert.Equal(MemberKind.Coordinator, e.ActorKind));
        Assert.Equal(held.RoutingHeldAt, trail.Single(e => e.Type == TrailEventTypes.NeedsRouting.Name).At);
        LiveChange[] written =
        [
            LiveChange.WorkItem(group.GroupId, pods.Id), LiveChange.WorkItem(group.GroupId, form.Id), LiveChange.Agent(group.GroupId, pixel.Id),
            .. trail.Select(e => LiveChange.Event(group.GroupId, e.Id)),
        ];
        Assert.Equal(written.ToHashSet(), announced.Changes.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(ProvidersAndWrites))]
    public async Task A_pass_that_finds_an_item_it_holds_changed_under_it_writes_nothing_and_offers_nothing(DatabaseProvider provider, bool setBased)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, form, _) = await SeedAsync(database);
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);

        // A person edits the pods while the pass weighs them.
        var offered = await group.RunPassAsync(Model(whileScoring: () => Change(database, c => c.WorkItems.Where(w => w.Id == pods.Id)
            .ExecuteUpdate(set => set.SetProperty(w => w.Title, "Restart the stuck pods, edited").SetProperty(w => w.Version, w => w.Version + 1)))), context,
            Writing(setBased));

        Assert.Equal(0, offered);
        await AssertNothingWrittenAsync(database, group.GroupId, pods.Id, form.Id);
        Assert.Empty(announced.Changes);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndWrites))]
    public async Task A_pass_that_finds_an_agent_it_offers_to_changed_under_it_writes_nothing_and_offers_nothing(DatabaseProvider provider, bool setBased)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, pods, form, pixel) = await SeedAsync(database);
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);

        // Another pass gives pixel's last slot away while this one weighs it (its claim moves the agent's version).
        var offered = await group.RunPassAsync(Model(whileScoring: () => Change(database, c => c.Agents.Where(a => a.Id == pixel.Id)
            .ExecuteUpdate(set => set.SetProperty(a => a.Version, a => a.Version + 1)))), context, Writing(setBased));

        Assert.Equal(0, offered);
        await AssertNothingWrittenAsync(database, group.GroupId, pods.Id, form.Id);
        Assert.Empty(announced.Changes);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndWrites))]
    public async Task An_offer_to_a_webhook_agent_goes_out_with_the_whole_item_and_a_pull_agent_is_sent_no_message(DatabaseProvider provider, bool setBased)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var kube = await group.AddAgentAsync("kube", 2, new AgentSkill { SkillId = "infra", Name = "Infrastructure", Tags = ["Kubernetes"], Level = 0.8 });
        var pixel = await group.AddAgentAsync("pixel", 2, new AgentSkill { SkillId = "ui", Name = "Front-end", Tags = ["react"], Level = 0.8 });
        await using (var setup = database.NewContext())
        {
            var webhook = await setup.Agents.SingleAsync(a => a.Id == pixel.Id);
            (webhook.Delivery, webhook.WebhookUrl) = (DeliveryMode.Webhook, "https://pixel.example/hook");
            await setup.SaveChangesAsync();
        }

        var design = await group.AddItemAsync("Design the form", w => w.State = WorkItemState.Done);
        var form = await group.AddItemAsync("Fix the sign-up form", w => w.DependsOn.Add(new WorkItemDependency { WorkItemId = w.Id, DependsOnId = design.Id }));
        var pods = await group.AddItemAsync("Restart the pods");
        var model = new ScriptedSkillModel { Affinity = (item, profile) => ((item.Title, profile.Name) is ("Restart the pods", "kube") or ("Fix the sign-up form", "pixel") ? 0.9f : 0.1f, 0) };

        Assert.Equal(2, await group.RunPassAsync(model, Writing(setBased)));

        await using var reader = database.NewContext();
        var message = Assert.Single(await reader.OutboxMessages.Where(m => m.GroupId == group.GroupId).ToListAsync());
        Assert.Equal((pixel.Id, form.Id, AgentMessageTypes.Assigned), (message.AgentId, message.WorkItemId, message.Type));
        // The whole item: what it depends on too, read for its view.
        Assert.Contains($"\"dependsOn\":[\"{design.Id}\"]", message.BodyJson, StringComparison.Ordinal);
        Assert.Equal(kube.Id, (await reader.WorkItems.SingleAsync(w => w.Id == pods.Id)).AssigneeAgentId);
    }

    private static async Task AssertNothingWrittenAsync(TestDatabase database, Guid groupId, Guid podsId, Guid formId)
    {
        await using var reader = database.NewContext();
        Assert.Null((await reader.WorkItems.SingleAsync(w => w.Id == podsId)).RoutingHeldAt);
        Assert.Equal(WorkItemState.Ready, (await reader.WorkItems.SingleAsync(w => w.Id == formId)).State);
        Assert.False(await reader.Assignments.AnyAsync(a => a.GroupId == groupId));
        Assert.False(await reader.TrailEvents.AnyAsync(e => e.GroupId == groupId));
    }

    private static void Change(TestDatabase database, Func<ClawDbContext, int> change)
    {
        using var context = database.NewContext();
        Assert.Equal(1, change(context));
    }

    private static async Task<(PassGroup Group, WorkItem Pods, WorkItem Form, Agent Pixel)> SeedAsync(TestDatabase database)
    {
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("kube", 2, new AgentSkill { SkillId = "infra", Name = "Infrastructure", Tags = ["Kubernetes"], Level = 0.8 });
        await group.AddAgentAsync("ops", 2, new AgentSkill { SkillId = "ops", Name = "Operations", Tags = ["operations"], Level = 0.8 });
        var pixel = await group.AddAgentAsync("pixel", 2, new AgentSkill { SkillId = "ui", Name = "Front-end", Tags = ["react"], Level = 0.8 });
        return (group, await group.AddItemAsync("Restart the stuck pods"), await group.AddItemAsync("Fix the sign-up form"), pixel);
    }
}
