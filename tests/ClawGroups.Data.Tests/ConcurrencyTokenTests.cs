using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Tests;

public sealed class ConcurrencyTokenTests
{
    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task A_stale_update_of_a_work_item_is_rejected(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = SampleGraph.Create();
        await using (var setup = database.NewContext())
        {
            setup.Users.Add(graph.User);
            setup.Groups.Add(graph.Group);
            setup.WorkItems.Add(graph.Design);
            await setup.SaveChangesAsync();
        }

        await using var first = database.NewContext();
        await using var second = database.NewContext();
        var seenByFirst = await first.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);
        var seenBySecond = await second.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);

        seenByFirst.State = WorkItemState.Assigned;
        await first.SaveChangesAsync();
        seenBySecond.State = WorkItemState.Cancelled;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);
        Assert.Equal(WorkItemState.Assigned, stored.State);
        Assert.Equal(seenByFirst.Version, stored.Version);
    }

    [Fact]
    public async Task Each_update_increments_the_version()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var graph = SampleGraph.Create();
        await using var context = database.NewContext();
        context.Users.Add(graph.User);
        context.Groups.Add(graph.Group);
        context.WorkItems.Add(graph.Design);
        await context.SaveChangesAsync();
        var created = graph.Design.Version;

        graph.Design.Priority = 9;
        await context.SaveChangesAsync();

        Assert.Equal(created + 1, graph.Design.Version);
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task A_save_looks_for_changes_once_and_still_moves_each_changed_rows_version(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = SampleGraph.Create();
        await using var context = database.NewContext();
        context.Users.Add(graph.User);
        context.Groups.Add(graph.Group);
        context.WorkItems.AddRange(graph.Design, graph.Build);
        await context.SaveChangesAsync();
        var (design, build) = (graph.Design.Version, graph.Build.Version);
        var walks = 0;
        context.ChangeTracker.DetectingAllChanges += (_, _) => walks++;

        // Changed on the objects, not through the tracker: only a look for changes finds it.
        graph.Design.Priority = 9;
        await context.SaveChangesAsync();

        // Each walk visits every tracked entity: the versions' bump used to make a second one on every save.
        Assert.Equal(1, walks);
        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
        Assert.Equal((design + 1, build), (graph.Design.Version, graph.Build.Version));
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);
        Assert.Equal((9, design + 1), (stored.Priority, stored.Version));
    }
}
