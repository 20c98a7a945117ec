using System.Diagnostics;
using System.Globalization;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Benchmarks.SqliteRows;

/// <summary>
/// What writing a pass's trail costs on the embedded database: N trail events (nine columns each) inserted by
/// <see cref="RowsInOneStatement"/> (as a pass writes its trail, holds and claims), against the same rows saved by EF, one
/// statement a row, in one transaction. SQLite binds parameters by name at a cost that grows with the square of a statement's
/// parameters, so how many a statement carries decides the first figure. Rounds alternate the two on one temporary file.
/// </summary>
public static class SqliteRowsBenchmark
{
    private static readonly int[] Sizes = [100, 1_000, 4_500];

    public static async Task<int> RunAsync(TextWriter output)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var groupId = Guid.CreateVersion7();
        await using (var setup = database.NewContext())
        {
            setup.Groups.Add(new Group { Id = groupId, Name = "rows", CreatedAt = DateTimeOffset.UtcNow });
            await setup.SaveChangesAsync();
        }

        output.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine("| trail events | round | in few statements (RowsInOneStatement), ms | one statement a row (EF's save), ms |");
        output.WriteLine("|---:|---:|---:|---:|");
        foreach (var size in Sizes)
        {
            for (var round = 1; round <= 3; round++)
            {
                var fewStatements = await TimeAsync(database, async context => await context.InsertRowsAsync(Events(groupId, size), CancellationToken.None));
                var rowByRow = await TimeAsync(database, async context =>
                {
                    context.TrailEvents.AddRange(Events(groupId, size));
                    await context.SaveChangesAsync();
                });
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {round} | {fewStatements:F1} | {rowByRow:F1} |"));
            }
        }

        output.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task<double> TimeAsync(TestDatabase database, Func<ClawDbContext, Task> write)
    {
        await using var context = database.NewContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var started = Stopwatch.GetTimestamp();
        await write(context);
        await transaction.CommitAsync();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static List<TrailEvent> Events(Guid groupId, int count) => Enumerable.Range(0, count).Select(i => new TrailEvent
    {
        GroupId = groupId, At = DateTimeOffset.UtcNow, ActorKind = MemberKind.Coordinator, Type = "work.assigned",
        DataJson = string.Create(CultureInfo.InvariantCulture, $"{{\"n\":{i}}}"),
    }).ToList();
}
