using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>
/// What a pass reads of the ready items: after a group's first pass, the rows of the items it has not seen at their version,
/// the rest as it read them before, each pass with items of its own.
/// </summary>
public sealed class ReadyItemsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_later_pass_reads_the_items_that_changed_and_takes_the_rest_from_what_it_read_before(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var kept = await group.AddItemAsync("Restart the pods", w => w.Priority = 3);
        var edited = await group.AddItemAsync("Vacuum the tables", w => w.Priority = 2);
        var taken = await group.AddItemAsync("Scale the cluster", w => w.Priority = 1);
        // Most items unchanged, as between two passes of a swarm (where most are new, a pass reads them all by its own query).
        await group.AddItemAsync("Rotate the logs", w => w.Priority = 1);
        await group.AddItemAsync("Renew the certificate", w => w.Priority = 1);
        var ready = new ReadyItems();
        Assert.Equal(["Restart the pods", "Vacuum the tables", "Scale the cluster", "Rotate the logs", "Renew the certificate"],
            (await LoadAsync(database, ready, group.GroupId)).Select(w => w.Title));

        await using (var context = database.NewContext())
        {
            // Written past the version, as nothing in the product writes an item: proof that the unchanged row is not read again.
            await context.WorkItems.Where(w => w.Id == kept.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Title, "Not read again"));
            // Tracked saves move the version: an edit, and a move out of the ready items.
            var items = await context.WorkItems.Where(w => w.Id == edited.Id || w.Id == taken.Id).ToListAsync();
            items.Single(w => w.Id == edited.Id).Title = "Vacuum and analyse the tables";
            items.Single(w => w.Id == taken.Id).State = WorkItemState.Assigned;
            await context.SaveChangesAsync();
        }

        await group.AddItemAsync("Drain the node", w => w.Priority = 0);
        var second = await LoadAsync(database, ready, group.GroupId);

        Assert.Equal(["Restart the pods", "Vacuum and analyse the tables", "Rotate the logs", "Renew the certificate", "Drain the node"], second.Select(w => w.Title));
        // A new node (or a restart) reads every row.
        Assert.Equal("Not read again", (await LoadAsync(database, new ReadyItems(), group.GroupId))[0].Title);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_reading_kept_without_moving_the_version_is_seen_by_the_next_pass(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var item = await group.AddItemAsync("Restart the pods");
        await group.AddItemAsync("Vacuum the tables");
        var ready = new ReadyItems();
        Assert.All(await LoadAsync(database, ready, group.GroupId), w => Assert.Null(w.ReadingVersion));

        // As ItemReadings keeps a pass's reading: the reading's columns only, on the version the pass read.
        var vector = ItemReadings.ToBytes([0.5f, -0.25f]);
        await using (var context = database.NewContext())
        {
            await context.WorkItems.Where(w => w.Id == item.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(w => w.ReadingVector, vector).SetProperty(w => w.ReadingVersion, "v1"));
        }

        var read = (await LoadAsync(database, ready, group.GroupId)).Single(w => w.Id == item.Id);
        Assert.Equal("v1", read.ReadingVersion);
        Assert.Equal(vector, read.ReadingVector);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Each_pass_gets_items_of_its_own_that_what_it_changes_leaves_the_next_pass_without(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agentId = Guid.NewGuid();
        var item = await group.AddItemAsync("Restart the pods", w =>
        {
            w.RequiredSkills = ["kubernetes"];
            w.Assignments.Add(new Assignment
            {
                Id = Guid.CreateVersion7(), WorkItemId = w.Id, AgentId = agentId, Attempt = 1, Outcome = AssignmentOutcome.Declined,
                SteeredAway = true, OfferedAt = w.CreatedAt, EndedAt = w.CreatedAt,
            });
        });
        var ready = new ReadyItems();
        var first = Assert.Single(await LoadAsync(database, ready, group.GroupId));
        // What a pass may do to what it was given: let a steer go where no one else could take the item.
        Assert.True(Assert.Single(first.Assignments).SteeredAway);
        first.Assignments[0].SteeredAway = false;
        first.RequiredSkills.Add("helm");
        first.Title = "Changed in memory";

        var second = Assert.Single(await LoadAsync(database, ready, group.GroupId));

        Assert.NotSame(first, second);
        Assert.Equal(item.Version, second.Version);
        Assert.Equal("Restart the pods", second.Title);
        Assert.Equal(["kubernetes"], second.RequiredSkills);
        Assert.Equal(agentId, Assert.Single(second.Assignments).AgentId);
        Assert.True(second.Assignments[0].SteeredAway);
    }

    private static async Task<List<WorkItem>> LoadAsync(TestDatabase database, ReadyItems ready, Guid groupId)
    {
        await using var context = database.NewContext();
        var query = context.WorkItems.Where(w => w.GroupId == groupId && w.State == WorkItemState.Ready)
            .OrderByDescending(w => w.Priority).ThenBy(w => w.CreatedAt);
        return await ready.LoadAsync(context, groupId, query, CancellationToken.None);
    }
}
