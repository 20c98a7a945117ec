using System.Collections.Concurrent;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Tests.Stalls;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Live;

/// <summary>One item that cannot be read costs only its own live update, not every board's that shared its batch.</summary>
public sealed class LiveUpdatePumpIsolationTests
{
    [Fact]
    public async Task A_batch_with_an_unreadable_item_still_brings_the_other_groups_update()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (_, poisoned) = await SilentAgents.SeedAsync(database, "poisoned");
        var (_, healthy) = await SilentAgents.SeedAsync(database, "healthy");
        await using (var context = database.NewContext())
        {
            // A timestamp beyond DateTimeOffset's range: reading the row throws.
            await context.Database.ExecuteSqlAsync($"""UPDATE "WorkItems" SET "StateChangedAt" = {long.MaxValue} WHERE "Id" = {poisoned}""");
        }

        var groups = await GroupsOfAsync(database, poisoned, healthy);
        var services = new ServiceCollection().AddScoped(_ => database.NewContext()).BuildServiceProvider();
        var changes = new LiveChanges(new SingleNodeBus());
        var sink = new RecordingSink();
        var bulkheads = new Bulkheads(TimeProvider.System, NullLogger<Bulkheads>.Instance);
        using var pump = new LiveUpdatePump(changes, [sink], services.GetRequiredService<IServiceScopeFactory>(), bulkheads, TimeProvider.System,
            NullLogger<LiveUpdatePump>.Instance);

        await pump.StartAsync(CancellationToken.None);
        changes.Add(LiveChange.WorkItem(groups[poisoned], poisoned));
        changes.Add(LiveChange.WorkItem(groups[healthy], healthy));
        await Eventually.ReachAsync(() => Task.FromResult(sink.Items), items => items.Contains(healthy), "the healthy group's update", TimeSpan.FromSeconds(20));
        await pump.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(poisoned, sink.Items);
    }

    [Fact]
    public async Task Changes_in_a_group_no_client_follows_are_not_passed_on()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (_, unwatched) = await SilentAgents.SeedAsync(database, "unwatched");
        var (_, watched) = await SilentAgents.SeedAsync(database, "watched");
        var groups = await GroupsOfAsync(database, unwatched, watched);
        var services = new ServiceCollection().AddScoped(_ => database.NewContext()).BuildServiceProvider();
        var changes = new LiveChanges(new SingleNodeBus());
        var sink = new RecordingSink(following: groups[watched]);
        var bulkheads = new Bulkheads(TimeProvider.System, NullLogger<Bulkheads>.Instance);
        using var pump = new LiveUpdatePump(changes, [sink], services.GetRequiredService<IServiceScopeFactory>(), bulkheads, TimeProvider.System,
            NullLogger<LiveUpdatePump>.Instance);

        await pump.StartAsync(CancellationToken.None);
        changes.Add(LiveChange.WorkItem(groups[unwatched], unwatched));
        changes.Add(LiveChange.WorkItem(groups[watched], watched));
        await Eventually.ReachAsync(() => Task.FromResult(sink.Items), items => items.Contains(watched), "the followed group's update", TimeSpan.FromSeconds(20));
        await pump.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(unwatched, sink.Items);
    }

    private static async Task<Dictionary<Guid, Guid>> GroupsOfAsync(TestDatabase database, params Guid[] itemIds)
    {
        await using var context = database.NewContext();
        return await context.WorkItems.Where(w => itemIds.Contains(w.Id)).Select(w => new { w.Id, w.GroupId }).ToDictionaryAsync(w => w.Id, w => w.GroupId);
    }

    /// <summary>Records the items of every update it gets; follows one group, or every group when none is given.</summary>
    private sealed class RecordingSink(Guid? following = null) : ILiveSink
    {
        private readonly ConcurrentQueue<Guid> _items = new();

        public bool Follows(Guid groupId) => following is null || following == groupId;

        public IReadOnlyCollection<Guid> Items => _items.ToArray();

        public Task PublishAsync(IReadOnlyList<LiveUpdate> updates)
        {
            foreach (var update in updates.OfType<WorkItemChanged>())
            {
                _items.Enqueue(update.Item.Id);
            }

            return Task.CompletedTask;
        }
    }
}
