using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClawGroups.Data.Tests;

/// <summary>
/// The IndexesThatDoNotMove migration (decision 0051) rebuilds the embedded database's trail and delivery tables with plain
/// rowid keys: no <c>AUTOINCREMENT</c> counter written at every insert, the ids already given kept, and the next one still
/// above them all. Run over rows that were there before it, by taking it back and applying it again.
/// </summary>
public sealed class IndexesThatDoNotMoveMigrationTests
{
    [Fact]
    public async Task Trail_events_keep_their_ids_and_new_ones_follow_the_largest_without_a_counter()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var graph = SampleGraph.Create();
        await using (var context = database.NewContext())
        {
            await MigrateAsync(context, before: true);
            Assert.Contains("AUTOINCREMENT", await TableSqlAsync(context, "TrailEvents"), StringComparison.Ordinal);
        }

        await using (var context = database.NewContext())
        {
            context.AddRange(graph.User, graph.Group);
            // Ids given as an older database would hold them, with a gap: the rebuild copies them as they are.
            context.TrailEvents.AddRange(Event(graph, 7), Event(graph, 8), Event(graph, 41));
            await context.SaveChangesAsync();
        }

        await using (var context = database.NewContext())
        {
            await MigrateAsync(context, before: false);
        }

        await using var after = database.NewContext();
        Assert.DoesNotContain("AUTOINCREMENT", await TableSqlAsync(after, "TrailEvents"), StringComparison.Ordinal);
        Assert.DoesNotContain("AUTOINCREMENT", await TableSqlAsync(after, "DeliveryAttempts"), StringComparison.Ordinal);
        Assert.Equal([7L, 8L, 41L], await after.TrailEvents.OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());

        var next = Event(graph, 0);
        after.TrailEvents.Add(next);
        await after.SaveChangesAsync();
        Assert.Equal(42, next.Id);
        var counted = await after.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_sequence").ToListAsync();
        Assert.DoesNotContain("TrailEvents", counted);
        Assert.DoesNotContain("DeliveryAttempts", counted);
    }

    [Fact]
    public async Task The_index_of_peoples_attempts_holds_no_agents_attempts()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        await using var context = database.NewContext();

        var sql = await context.Database
            .SqlQueryRaw<string>("SELECT sql AS \"Value\" FROM sqlite_master WHERE type = 'index' AND name = 'IX_Assignments_UserId_Outcome'")
            .SingleAsync();

        Assert.EndsWith("WHERE \"UserId\" IS NOT NULL", sql, StringComparison.Ordinal);
        Assert.Empty(await context.Database
            .SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND name IN ('IX_Assignments_Outcome_LeaseExpiresAt', 'IX_WorkItems_State_ProgressAt', 'IX_Agents_Status_LastHeartbeatAt')")
            .ToListAsync());
    }

    private static async Task MigrateAsync(ClawDbContext context, bool before)
    {
        var migrator = context.GetService<IMigrator>();
        if (!before)
        {
            await migrator.MigrateAsync();
            return;
        }

        await MigrationSteps.MigrateToJustBeforeAsync(context, "IndexesThatDoNotMove");
    }

    private static Task<string> TableSqlAsync(ClawDbContext context, string table)
        => context.Database.SqlQuery<string>($"SELECT sql AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {table}").SingleAsync();

    private static TrailEvent Event(SampleGraph graph, long id) => new()
    {
        Id = id, GroupId = graph.Group.Id, At = SampleGraph.Now, ActorKind = MemberKind.Human, ActorId = graph.User.Id, Type = "test",
    };
}
