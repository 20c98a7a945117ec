using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Coordinator.Tests.Live;

/// <summary>
/// A small unit of work saved by statements kept per shape stores what EF's save stores, moves each version on once, is
/// announced once it commits, and fails whole when a row changed under it; a unit it cannot write as the save would is left
/// to the save with nothing written.
/// </summary>
public sealed class ShapedSaveTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_accepted_attempt_is_stored_as_the_save_stores_it_and_announced_once(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var shaped = await OfferedAsync(database, group, agent.Id, "Fix the sign-up form");
        var saved = await OfferedAsync(database, group, agent.Id, "Align the buttons");
        var announced = new AnnouncedChanges();
        var accepted = DateTimeOffset.UtcNow.AddMinutes(1);
        long trailId;

        // The same unit twice: one saved by its statements, the other by EF's save.
        await using (var context = announced.Context(database))
        {
            var (item, attempt) = await AcceptAsync(context, shaped, agent.Id, accepted);
            Assert.True(await ShapedSave.TrySaveAsync(context, CancellationToken.None));
            Assert.All(context.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
            Assert.Equal((1L, 1L), (item.Version, attempt.Version));
            trailId = context.ChangeTracker.Entries<Data.Trail.TrailEvent>().Single().Entity.Id;
            Assert.True(trailId > 0);
            Assert.Equal(0, await context.SaveChangesAsync());
        }

        await using (var context = database.NewContext())
        {
            await AcceptAsync(context, saved, agent.Id, accepted);
            await context.SaveChangesAsync();
        }

        await using var reader = database.NewContext();
        var items = await reader.WorkItems.AsNoTracking().Where(w => w.Id == shaped || w.Id == saved).ToDictionaryAsync(w => w.Id);
        var attempts = await reader.Assignments.AsNoTracking().Where(a => a.WorkItemId == shaped || a.WorkItemId == saved).ToDictionaryAsync(a => a.WorkItemId);
        Assert.Equal(StoredItem(items[saved]), StoredItem(items[shaped]));
        Assert.Equal(StoredAttempt(attempts[saved]), StoredAttempt(attempts[shaped]));
        Assert.Equal((WorkItemState.InProgress, 0.25, 1_200L, 0.75m), (items[shaped].State, items[shaped].ProgressFraction, items[shaped].Usage.InputTokens, items[shaped].Usage.CostUsd));
        Assert.Equal(accepted.ToUnixTimeMilliseconds(), attempts[shaped].AcceptedAt!.Value.ToUnixTimeMilliseconds());
        var artifact = await reader.Artifacts.AsNoTracking().SingleAsync(a => a.WorkItemId == shaped);
        Assert.Equal(("notes.md", "text/markdown", 5L, MemberKind.Agent), (artifact.Name, artifact.MediaType, artifact.SizeBytes, artifact.AuthorKind));
        var trail = await reader.TrailEvents.AsNoTracking().SingleAsync(e => e.WorkItemId == shaped && e.Type == TrailEventTypes.Accepted.Name);
        Assert.Equal(trailId, trail.Id);
        Assert.Equal(
            new HashSet<LiveChange> { LiveChange.WorkItem(group.GroupId, shaped), LiveChange.Agent(group.GroupId, agent.Id), LiveChange.Event(group.GroupId, trailId) },
            announced.Changes.ToHashSet());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_row_changed_since_it_was_read_fails_the_unit_whole_and_nothing_is_announced(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var itemId = await OfferedAsync(database, group, agent.Id, "Fix the sign-up form");
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);
        await AcceptAsync(context, itemId, agent.Id, DateTimeOffset.UtcNow);
        await using (var meanwhile = database.NewContext())
        {
            // The attempt is written after the item and the artifact: what they wrote goes back with it.
            (await meanwhile.Assignments.SingleAsync(a => a.WorkItemId == itemId)).Reason = "changed meanwhile";
            await meanwhile.SaveChangesAsync();
        }

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => ShapedSave.TrySaveAsync(context, CancellationToken.None));

        await using var reader = database.NewContext();
        var item = await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == itemId);
        Assert.Equal((WorkItemState.Assigned, 0L), (item.State, item.Version));
        Assert.False(await reader.Artifacts.AnyAsync(a => a.WorkItemId == itemId));
        Assert.False(await reader.TrailEvents.AnyAsync(e => e.WorkItemId == itemId && e.Type == TrailEventTypes.Accepted.Name));
        Assert.Empty(announced.Changes);
        Assert.Null(context.Database.CurrentTransaction);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task In_the_callers_transaction_the_unit_is_announced_at_its_commit_and_gone_with_its_rollback(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var kept = await OfferedAsync(database, group, agent.Id, "Fix the sign-up form");
        var dropped = await OfferedAsync(database, group, agent.Id, "Align the buttons");
        var announced = new AnnouncedChanges();
        await using (var context = announced.Context(database))
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            await AcceptAsync(context, kept, agent.Id, DateTimeOffset.UtcNow);
            Assert.True(await ShapedSave.TrySaveAsync(context, CancellationToken.None));
            Assert.Empty(announced.Changes);
            await transaction.CommitAsync();
        }

        Assert.Contains(LiveChange.WorkItem(group.GroupId, kept), announced.Changes);
        var announcedBefore = announced.Changes.Count;
        await using (var context = announced.Context(database))
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            await AcceptAsync(context, dropped, agent.Id, DateTimeOffset.UtcNow);
            Assert.True(await ShapedSave.TrySaveAsync(context, CancellationToken.None));
            await transaction.RollbackAsync();
        }

        Assert.Equal(announcedBefore, announced.Changes.Count);
        await using var reader = database.NewContext();
        Assert.Equal(WorkItemState.InProgress, (await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == kept)).State);
        Assert.Equal(WorkItemState.Assigned, (await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == dropped)).State);
        Assert.False(await reader.Artifacts.AnyAsync(a => a.WorkItemId == dropped));
    }

    [Fact]
    public async Task One_changed_row_is_written_by_one_statement_and_announced_at_once()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var item = await group.AddItemAsync("Fix the sign-up form");
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);
        var tracked = await context.WorkItems.SingleAsync(w => w.Id == item.Id);
        tracked.Priority = 3;

        Assert.True(await ShapedSave.TrySaveAsync(context, CancellationToken.None));

        Assert.Equal([LiveChange.WorkItem(group.GroupId, item.Id)], announced.Changes);
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == item.Id);
        Assert.Equal((3, item.Version + 1), (stored.Priority, stored.Version));
    }

    [Fact]
    public async Task A_unit_the_statements_cannot_write_as_the_save_would_is_left_to_it_with_nothing_written()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var item = await group.AddItemAsync("Fix the sign-up form");
        var announced = new AnnouncedChanges();

        // An agent's thresholds are a complex property; a deletion; a new attempt at a new item, which must come first.
        Action<ClawDbContext>[] leftToTheSave =
        [
            context => context.Agents.Single(a => a.Id == agent.Id).Thresholds.HeartbeatTimeoutSeconds = 45,
            context => context.WorkItems.Remove(context.WorkItems.Single(w => w.Id == item.Id)),
            context =>
            {
                var newItem = new WorkItem { Id = Guid.CreateVersion7(), GroupId = group.GroupId, Title = "New", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
                context.WorkItems.Add(newItem);
                context.Assignments.Add(new Assignment
                {
                    Id = Guid.CreateVersion7(), GroupId = group.GroupId, WorkItemId = newItem.Id, MemberKind = MemberKind.Agent, Role = AssignmentRole.Work,
                    Attempt = 1, Outcome = AssignmentOutcome.Active, OfferedAt = DateTimeOffset.UtcNow, Reason = "offered",
                });
            },
        ];
        foreach (var change in leftToTheSave)
        {
            await using var context = announced.Context(database);
            // A change it could write beside it, which must not be written alone either.
            (await context.WorkItems.SingleAsync(w => w.Id == item.Id)).Priority = 4;
            change(context);

            Assert.False(await ShapedSave.TrySaveAsync(context, CancellationToken.None));
            Assert.Contains(context.ChangeTracker.Entries(), e => e.State != EntityState.Unchanged);
        }

        Assert.Empty(announced.Changes);
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == item.Id);
        Assert.Equal((item.Priority, item.Version), (stored.Priority, stored.Version));
        Assert.Equal(1, await reader.WorkItems.CountAsync(w => w.GroupId == group.GroupId));
        Assert.NotEqual(45, (await reader.Agents.AsNoTracking().SingleAsync(a => a.Id == agent.Id)).Thresholds.HeartbeatTimeoutSeconds);
    }

    [Fact]
    public async Task A_statement_the_database_refuses_fails_as_a_save_does_and_takes_the_unit_with_it()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var itemId = await OfferedAsync(database, group, agent.Id, "Fix the sign-up form");
        var announced = new AnnouncedChanges();
        await using var context = announced.Context(database);
        await AcceptAsync(context, itemId, agent.Id, DateTimeOffset.UtcNow);
        // An artifact for an item that does not exist: its foreign key refuses it.
        context.Artifacts.Add(new Artifact { Id = Guid.CreateVersion7(), WorkItemId = Guid.CreateVersion7(), Name = "stray", CreatedAt = DateTimeOffset.UtcNow });

        await Assert.ThrowsAsync<DbUpdateException>(() => ShapedSave.TrySaveAsync(context, CancellationToken.None));

        await using var reader = database.NewContext();
        Assert.Equal(WorkItemState.Assigned, (await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == itemId)).State);
        Assert.False(await reader.Artifacts.AnyAsync());
        Assert.Empty(announced.Changes);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, 0)]
    [InlineData(DatabaseProvider.Postgres, 1)]
    public async Task A_moves_save_takes_the_statements_on_the_embedded_database_and_EFs_save_on_PostgreSQL(DatabaseProvider provider, int efSaves)
    {
        // On PostgreSQL EF sends a unit's statements in one batch, one round trip; there each statement would be one.
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("pixel");
        var itemId = await OfferedAsync(database, group, agent.Id, "Fix the sign-up form");
        var saves = new CountedSaves();
        await using var context = new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(saves).Options);
        await AcceptAsync(context, itemId, agent.Id, DateTimeOffset.UtcNow);

        await new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance).SaveAsync(CancellationToken.None);

        Assert.Equal(efSaves, saves.Count);
        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == itemId);
        Assert.Equal((WorkItemState.InProgress, 1L), (stored.State, stored.Version));
        Assert.True(await reader.Artifacts.AnyAsync(a => a.WorkItemId == itemId));
    }

    /// <summary>An item offered to <paramref name="agentId"/>: assigned, with its open attempt.</summary>
    private static async Task<Guid> OfferedAsync(TestDatabase database, PassGroup group, Guid agentId, string title)
    {
        var attemptId = Guid.CreateVersion7();
        var item = await group.AddItemAsync(title, w => (w.State, w.CurrentAssignmentId, w.AssigneeKind, w.AssigneeAgentId) = (WorkItemState.Assigned, attemptId, MemberKind.Agent, agentId));
        await using var context = database.NewContext();
        context.Assignments.Add(new Assignment
        {
            Id = attemptId, GroupId = group.GroupId, WorkItemId = item.Id, AgentId = agentId, MemberKind = MemberKind.Agent, Role = AssignmentRole.Work,
            Attempt = 1, Outcome = AssignmentOutcome.Active, OfferedAt = DateTimeOffset.UtcNow, Reason = "offered",
        });
        await context.SaveChangesAsync();
        return item.Id;
    }

    /// <summary>What an accept and a first report change: the item and its attempt, an artifact, and a trail event.</summary>
    private static async Task<(WorkItem Item, Assignment Attempt)> AcceptAsync(ClawDbContext context, Guid itemId, Guid agentId, DateTimeOffset at)
    {
        var item = await context.WorkItems.SingleAsync(w => w.Id == itemId);
        var attempt = await context.Assignments.SingleAsync(a => a.WorkItemId == itemId);
        (item.State, item.ProgressFraction, item.ProgressMessage, item.ProgressAt, item.UpdatedAt) = (WorkItemState.InProgress, 0.25, "reading", at, at);
        (item.Usage.InputTokens, item.Usage.CostUsd) = (1_200, 0.75m);
        (attempt.AcceptedAt, attempt.LastProgressAt) = (at, at);
        attempt.Usage.InputTokens = 1_200;
        context.Artifacts.Add(new Artifact
        {
            Id = Guid.CreateVersion7(), WorkItemId = itemId, AssignmentId = attempt.Id, Name = "notes.md", MediaType = "text/markdown", Content = "hello",
            SizeBytes = 5, AuthorKind = MemberKind.Agent, AuthorId = agentId, CreatedAt = at,
        });
        context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Accepted, at, new { attempt = 1 }, itemId, agentId);
        return (item, attempt);
    }

    /// <summary>What an item stores, its id and title apart.</summary>
    private static string StoredItem(WorkItem item)
        => $"{item.State} {item.ProgressFraction} {item.ProgressMessage} {item.ProgressAt?.ToUnixTimeMilliseconds()} {item.UpdatedAt.ToUnixTimeMilliseconds()} "
           + $"{item.Usage.InputTokens} {item.Usage.OutputTokens} {item.Usage.CostUsd} {item.Version} {item.AssigneeKind} {item.Priority}";

    /// <summary>What an attempt stores, its ids apart.</summary>
    private static string StoredAttempt(Assignment attempt)
        => $"{attempt.AcceptedAt?.ToUnixTimeMilliseconds()} {attempt.LastProgressAt?.ToUnixTimeMilliseconds()} "
           + $"{attempt.Usage.InputTokens} {attempt.Outcome} {attempt.Version} {attempt.Reason}";

    private sealed class CountedSaves : SaveChangesInterceptor
    {
        public int Count { get; private set; }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Count++;
            return ValueTask.FromResult(result);
        }
    }
}
