using System.Data.Common;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
    public async Task A_later_pass_takes_an_item_it_saw_at_the_same_version_from_what_it_read_before(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var kept = await group.AddItemAsync("Restart the pods");
        await group.AddItemAsync("Vacuum the tables");
        var ready = new ReadyItems();
        await LoadAsync(database, ready, group.GroupId);

        await WritePastTheVersionAsync(database, kept.Id, "Not read again");

        Assert.Equal("Restart the pods", (await LoadAsync(database, ready, group.GroupId)).Single(w => w.Id == kept.Id).Title);
        // Another node (or this one after a restart) reads every row.
        Assert.Equal("Not read again", (await LoadAsync(database, new ReadyItems(), group.GroupId)).Single(w => w.Id == kept.Id).Title);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_later_pass_sees_an_edited_a_new_and_a_moved_item_as_they_are_now_in_the_passs_order(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddItemAsync("Restart the pods", w => w.Priority = 3);
        var edited = await group.AddItemAsync("Vacuum the tables", w => w.Priority = 2);
        var taken = await group.AddItemAsync("Scale the cluster", w => w.Priority = 1);
        // Most items unchanged, as between two passes of a swarm (where most are new, a pass reads them all by its own query).
        await group.AddItemAsync("Rotate the logs", w => w.Priority = 1);
        await group.AddItemAsync("Renew the certificate", w => w.Priority = 1);
        var ready = new ReadyItems();
        await LoadAsync(database, ready, group.GroupId);

        await using (var context = database.NewContext())
        {
            // Tracked saves move the version: an edit, and a move out of the ready items.
            var items = await context.WorkItems.Where(w => w.Id == edited.Id || w.Id == taken.Id).ToListAsync();
            items.Single(w => w.Id == edited.Id).Title = "Vacuum and analyse the tables";
            items.Single(w => w.Id == taken.Id).State = WorkItemState.Assigned;
            await context.SaveChangesAsync();
        }

        await group.AddItemAsync("Drain the node", w => w.Priority = 0);

        Assert.Equal(["Restart the pods", "Vacuum and analyse the tables", "Rotate the logs", "Renew the certificate", "Drain the node"],
            (await LoadAsync(database, ready, group.GroupId)).Select(w => w.Title));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_later_pass_where_most_items_are_new_reads_every_row_again(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var kept = await group.AddItemAsync("Restart the pods");
        var ready = new ReadyItems();
        await LoadAsync(database, ready, group.GroupId);
        await WritePastTheVersionAsync(database, kept.Id, "Read again");
        await group.AddItemAsync("Vacuum the tables");
        await group.AddItemAsync("Scale the cluster");

        var second = await LoadAsync(database, ready, group.GroupId);

        Assert.Equal(["Read again", "Vacuum the tables", "Scale the cluster"], second.Select(w => w.Title));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_item_that_changes_between_the_versions_read_and_its_row_read_is_left_to_the_next_pass(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        foreach (var title in new[] { "Restart the pods", "Vacuum the tables", "Scale the cluster" })
        {
            await group.AddItemAsync(title);
        }

        var ready = new ReadyItems();
        await LoadAsync(database, ready, group.GroupId);
        var racing = await group.AddItemAsync("Drain the node");
        var taker = new TakeAfterTheVersionsAreRead(database, racing.Id);

        var second = await LoadAsync(database, ready, group.GroupId, taker);

        Assert.True(taker.Fired, "the item was taken between the pass's two reads");
        Assert.Equal(["Restart the pods", "Vacuum the tables", "Scale the cluster"], second.Select(w => w.Title));
        Assert.DoesNotContain(racing.Id, (await LoadAsync(database, ready, group.GroupId)).Select(w => w.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_that_finds_no_free_slot_lets_go_of_the_rows_it_kept(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("ops", capacity: 1);
        await group.AddItemAsync("Restart the pods");
        await group.AddItemAsync("Vacuum the tables");
        await group.AddItemAsync("Scale the cluster");
        var model = new ScriptedSkillModel();
        Assert.Equal(1, await group.RunPassAsync(model));
        Guid waiting;
        await using (var context = database.NewContext())
        {
            waiting = await context.WorkItems.Where(w => w.State == WorkItemState.Ready).Select(w => w.Id).FirstAsync();
        }

        await WritePastTheVersionAsync(database, waiting, "Read again");

        // The agent's one slot is taken: the pass offers nothing and reads no items.
        Assert.Equal(0, await group.RunPassAsync(model));

        Assert.Equal("Read again", (await LoadAsync(database, group.Readings, group.GroupId)).Single(w => w.Id == waiting).Title);
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

    /// <summary>Changes an item's title without moving its version, as nothing in the product writes an item.</summary>
    private static async Task WritePastTheVersionAsync(TestDatabase database, Guid itemId, string title)
    {
        await using var context = database.NewContext();
        await context.WorkItems.Where(w => w.Id == itemId).ExecuteUpdateAsync(set => set.SetProperty(w => w.Title, title));
    }

    private static async Task<List<WorkItem>> LoadAsync(TestDatabase database, ReadyItems ready, Guid groupId, IInterceptor? interceptor = null)
    {
        var options = new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions());
        if (interceptor is not null)
        {
            options.AddInterceptors(interceptor);
        }

        await using var context = new ClawDbContext(options.Options);
        var query = context.WorkItems.Where(w => w.GroupId == groupId && w.State == WorkItemState.Ready)
            .OrderByDescending(w => w.Priority).ThenBy(w => w.CreatedAt);
        return await ready.LoadAsync(context, groupId, query, CancellationToken.None);
    }

    /// <summary>Another member takes the item (a tracked save: its version moves) right after a pass read the ready items' versions.</summary>
    private sealed class TakeAfterTheVersionsAreRead(TestDatabase database, Guid itemId) : DbCommandInterceptor
    {
        public bool Fired { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            // The versions' read names the reading version but not the text.
            if (!Fired && command.CommandText.Contains("ReadingVersion", StringComparison.Ordinal) && !command.CommandText.Contains("Title", StringComparison.Ordinal))
            {
                Fired = true;
                await using var other = database.NewContext();
                var item = await other.WorkItems.SingleAsync(w => w.Id == itemId, cancellationToken);
                item.State = WorkItemState.Assigned;
                await other.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
    }
}
