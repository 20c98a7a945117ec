using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Live;

/// <summary>
/// A unit of work's new and changed rows written set-based read back as a tracked save would have written them, move each
/// version on once, are announced once the transaction commits, and leave the save that follows nothing to write again.
/// </summary>
public sealed class TrackedRowsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Added_and_changed_rows_are_written_as_a_save_would_write_them_and_the_save_after_writes_nothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, items) = await TwoItemsAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);
        var tracked = await TrackedAsync(context, group);
        var now = DateTimeOffset.UtcNow;
        var attempts = tracked.Select((item, i) => new Assignment
        {
            Id = Guid.CreateVersion7(), GroupId = group.GroupId, WorkItemId = item.Id, AgentId = agent.Id, MemberKind = MemberKind.Agent,
            Role = AssignmentRole.Work, Attempt = 1, Outcome = AssignmentOutcome.Active, OfferedAt = now, Score = 0.5 + i, Reason = $"reason {i}",
            Usage = { InputTokens = 10 + i, OutputTokens = 20 + i, CostUsd = 0.25m * (i + 1) },
        }).ToList();
        context.Assignments.AddRange(attempts);
        // Only the first item's title changes: the second is written with the title it has.
        (tracked[0].Title, tracked[0].State, tracked[0].CurrentAssignmentId) = ("Align the buttons, edited", WorkItemState.Assigned, attempts[0].Id);
        (tracked[1].State, tracked[1].CurrentAssignmentId) = (WorkItemState.Assigned, attempts[1].Id);
        var versions = tracked.Select(w => w.Version).ToList();

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            // As the pass writes them: one look for the changes, then none, and a value set on an attempt after it was added.
            context.ChangeTracker.DetectChanges();
            using (DetectionPause.Begin(context.ChangeTracker))
            {
                attempts[0].CandidatesJson = "[\"pixel\"]";
                await TrackedRows.InsertAddedAsync<Assignment>(context, CancellationToken.None);
                Assert.True(await TrackedRows.UpdateModifiedAsync<WorkItem>(context, CancellationToken.None));
            }

            Assert.Equal(0, await context.SaveChangesAsync());
            Assert.Empty(announced.Changes);
            await transaction.CommitAsync();
        }

        Assert.Equal(versions.Select(v => v + 1), tracked.Select(w => w.Version));
        Assert.All(context.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.Where(w => w.GroupId == group.GroupId).OrderBy(w => w.Title).ToListAsync();
        Assert.Equal(["Align the buttons, edited", "Fix the sign-up form"], stored.Select(w => w.Title));
        Assert.Equal(versions.Select(v => v + 1), stored.Select(w => w.Version));
        Assert.All(stored, w => Assert.Equal(WorkItemState.Assigned, w.State));
        Assert.Equal(attempts.Select(a => a.Id), stored.Select(w => w.CurrentAssignmentId!.Value));
        var storedAttempts = await reader.Assignments.Where(a => a.GroupId == group.GroupId).OrderBy(a => a.Score).ToListAsync();
        Assert.Equal(
            attempts.Select(a => (a.Id, a.WorkItemId, a.AgentId, a.Reason, a.CandidatesJson, a.Version, a.Usage.InputTokens, a.Usage.OutputTokens, a.Usage.CostUsd)),
            storedAttempts.Select(a => (a.Id, a.WorkItemId, a.AgentId, a.Reason, a.CandidatesJson, a.Version, a.Usage.InputTokens, a.Usage.OutputTokens, a.Usage.CostUsd)));
        Assert.Equal([0L, 0L], storedAttempts.Select(a => a.Version));
        Assert.Equal(
            new HashSet<LiveChange> { LiveChange.WorkItem(group.GroupId, items[0].Id), LiveChange.WorkItem(group.GroupId, items[1].Id), LiveChange.Agent(group.GroupId, agent.Id) },
            announced.Changes.ToHashSet());
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_row_changed_since_it_was_read_fails_the_write_and_the_rollback_leaves_every_row_as_it_was(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, _) = await TwoItemsAsync(database);
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);
        var tracked = await TrackedAsync(context, group);
        foreach (var item in tracked)
        {
            item.Priority = 3;
            context.Assignments.Add(NewAttempt(group.GroupId, item.Id));
        }

        await using (var meanwhile = database.NewContext())
        {
            var edited = await meanwhile.WorkItems.SingleAsync(w => w.Id == tracked[1].Id);
            edited.Title = "Fix the sign-up form, edited";
            await meanwhile.SaveChangesAsync();
        }

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await TrackedRows.InsertAddedAsync<Assignment>(context, CancellationToken.None);
            Assert.False(await TrackedRows.UpdateModifiedAsync<WorkItem>(context, CancellationToken.None));
            await transaction.RollbackAsync();
        }

        await using var reader = database.NewContext();
        Assert.All(await reader.WorkItems.Where(w => w.GroupId == group.GroupId).ToListAsync(), w => Assert.NotEqual(3, w.Priority));
        Assert.False(await reader.Assignments.AnyAsync(a => a.GroupId == group.GroupId));
        Assert.Empty(announced.Changes);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_row_whose_complex_property_changed_is_left_to_the_save_which_writes_it_once(DatabaseProvider provider)
    {
        // An agent's thresholds are a complex property.
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("ada");
        await group.AddAgentAsync("bob");
        await using var context = new AnnouncedChanges().Context(database);
        var tracked = await context.Agents.Where(a => a.GroupId == group.GroupId).OrderBy(a => a.Name).ToListAsync();
        var versions = tracked.Select(a => a.Version).ToList();
        tracked[0].Thresholds.HeartbeatTimeoutSeconds = 45;
        tracked[1].Capacity = 5;

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            Assert.True(await TrackedRows.UpdateModifiedAsync<Agent>(context, CancellationToken.None));
            Assert.Equal(EntityState.Modified, context.Entry(tracked[0]).State);
            Assert.Equal(EntityState.Unchanged, context.Entry(tracked[1]).State);
            Assert.Equal(1, await context.SaveChangesAsync());
            await transaction.CommitAsync();
        }

        await using var reader = database.NewContext();
        var stored = await reader.Agents.Where(a => a.GroupId == group.GroupId).OrderBy(a => a.Name).ToListAsync();
        Assert.Equal((45, 5), (stored[0].Thresholds.HeartbeatTimeoutSeconds, stored[1].Capacity));
        Assert.Equal(versions.Select(v => v + 1), stored.Select(a => a.Version));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_items_usage_is_written_set_based_as_its_other_columns_are(DatabaseProvider provider)
    {
        // Usage is stored through plain properties (IHasUsage), not a complex property, so the save has nothing left to write.
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (group, _) = await TwoItemsAsync(database);
        await using var context = new AnnouncedChanges().Context(database);
        var tracked = await TrackedAsync(context, group);
        var versions = tracked.Select(w => w.Version).ToList();
        tracked[0].Usage.InputTokens = 1_200;
        tracked[0].Usage.CostUsd = 0.75m;
        tracked[1].Priority = 3;

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            Assert.True(await TrackedRows.UpdateModifiedAsync<WorkItem>(context, CancellationToken.None));
            Assert.All(tracked, w => Assert.Equal(EntityState.Unchanged, context.Entry(w).State));
            Assert.Equal(0, await context.SaveChangesAsync());
            await transaction.CommitAsync();
        }

        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.Where(w => w.GroupId == group.GroupId).OrderBy(w => w.Title).ToListAsync();
        Assert.Equal((1_200L, 0.75m, 3), (stored[0].Usage.InputTokens, stored[0].Usage.CostUsd, stored[1].Priority));
        Assert.Equal(versions.Select(v => v + 1), stored.Select(w => w.Version));
    }

    [Fact]
    public async Task Outside_a_transaction_nothing_is_written_set_based()
    {
        // Each statement would commit on its own and be announced at once: a unit failing half-way would be half written.
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var item = await group.AddItemAsync("Fix the sign-up form");
        await using var context = new AnnouncedChanges().Context(database);
        context.Assignments.Add(NewAttempt(group.GroupId, item.Id));

        await Assert.ThrowsAsync<InvalidOperationException>(() => TrackedRows.InsertAddedAsync<Assignment>(context, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => TrackedRows.UpdateModifiedAsync<WorkItem>(context, CancellationToken.None));
        await using var reader = database.NewContext();
        Assert.False(await reader.Assignments.AnyAsync(a => a.GroupId == group.GroupId));
    }

    /// <summary>A group with two ready items: "Fix the sign-up form", then "Align the buttons".</summary>
    private static async Task<(PassGroup Group, WorkItem[] Items)> TwoItemsAsync(TestDatabase database)
    {
        var group = await PassGroup.CreateAsync(database);
        return (group, [await group.AddItemAsync("Fix the sign-up form"), await group.AddItemAsync("Align the buttons")]);
    }

    /// <summary>The group's items tracked by <paramref name="context"/>, by title.</summary>
    private static Task<List<WorkItem>> TrackedAsync(ClawDbContext context, PassGroup group)
        => context.WorkItems.Where(w => w.GroupId == group.GroupId).OrderBy(w => w.Title).ToListAsync();

    private static Assignment NewAttempt(Guid groupId, Guid itemId) => new()
    {
        Id = Guid.CreateVersion7(), GroupId = groupId, WorkItemId = itemId, MemberKind = MemberKind.Agent, Role = AssignmentRole.Work, Attempt = 1,
        Outcome = AssignmentOutcome.Active, OfferedAt = DateTimeOffset.UtcNow, Reason = "offered",
    };
}
