using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClawGroups.Data.Tests;

/// <summary>
/// The LeaseEndsNotStored migration drops the attempts' <c>LeaseExpiresAt</c>, which every accept, report and heartbeat
/// wrote and nothing read (the stall sweep judges an attempt by its agent's last sign of life and its own last progress).
/// On SQLite it drops the column in place, not by EF's rebuild of the table: run over an attempt stored before it, by
/// taking it back and applying it again, on both databases.
/// </summary>
public sealed class LeaseEndsNotStoredMigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_attempt_stored_with_a_lease_end_keeps_everything_else_and_loses_only_that_column(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = SampleGraph.Create();
        await using (var context = database.NewContext())
        {
            await MigrationSteps.MigrateToJustBeforeAsync(context, "LeaseEndsNotStored");
            Assert.Contains("LeaseExpiresAt", await AttemptColumnsAsync(context));
        }

        await using (var context = database.NewContext())
        {
            graph.AddTo(context);
            await context.SaveChangesAsync();
            await context.Database.ExecuteSqlAsync($"""UPDATE "Assignments" SET "LeaseExpiresAt" = "OfferedAt" WHERE "Id" = {graph.Assignment.Id}""");
        }

        await using (var context = database.NewContext())
        {
            await context.GetService<IMigrator>().MigrateAsync();
        }

        await using var after = database.NewContext();
        Assert.DoesNotContain("LeaseExpiresAt", await AttemptColumnsAsync(after));
        var attempt = await after.Assignments.AsNoTracking().SingleAsync(a => a.Id == graph.Assignment.Id);
        Assert.Equal(
            (graph.Assignment.AcceptedAt, graph.Assignment.LastProgressAt, graph.Assignment.PingedAt, graph.Assignment.Outcome, graph.Assignment.Usage.CostUsd),
            (attempt.AcceptedAt, attempt.LastProgressAt, attempt.PingedAt, attempt.Outcome, attempt.Usage.CostUsd));
        Assert.Equal(graph.Build.CurrentAssignmentId, await after.WorkItems.Where(w => w.Id == graph.Build.Id).Select(w => w.CurrentAssignmentId).SingleAsync());
    }

    private static Task<List<string>> AttemptColumnsAsync(ClawDbContext context) => context.Database.IsSqlite()
        ? context.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM pragma_table_info('Assignments')").ToListAsync()
        : context.Database.SqlQueryRaw<string>("SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = 'Assignments'").ToListAsync();
}
