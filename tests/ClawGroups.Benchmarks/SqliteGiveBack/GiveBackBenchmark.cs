using System.Diagnostics;
using System.Globalization;
using ClawGroups.Data.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Benchmarks.SqliteGiveBack;

/// <summary>
/// What a writer that waited for the SQLite write gate pays for having given its connection back (decision 0019): a close
/// and an open from the pool on the connection EF created (with EF's SQLite functions, registered again on every open),
/// against the smallest write a writer makes in its turn (one single-row UPDATE, committed). Rounds alternate the two on
/// one temporary file, so the machine's load falls on both alike.
/// </summary>
public static class GiveBackBenchmark
{
    private const int Operations = 20_000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        var directory = Directory.CreateTempSubdirectory("claw-give-back-").FullName;
        try
        {
            var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "bench.db"), Pooling = true }.ToString();
            var options = new DbContextOptionsBuilder<ClawDbContext>();
            options.UseClawDatabase(DatabaseProvider.Sqlite, connectionString);
            await using var context = new ClawDbContext(options.Options);
            await context.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)context.Database.GetDbConnection();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER); INSERT INTO counter VALUES (1, 0);");

            output.WriteLine($"{Operations:N0} operations a round, one connection (EF's), load average {File.ReadAllText("/proc/loadavg").Trim()}");
            output.WriteLine("| round | close + open from the pool, µs | one-row UPDATE committed, µs | UPDATE after a close + open, µs |");
            output.WriteLine("|---:|---:|---:|---:|");
            for (var round = 1; round <= 3; round++)
            {
                var reopen = Time(() =>
                {
                    connection.Close();
                    connection.Open();
                });
                var update = Time(() => Execute(connection, "UPDATE counter SET value = value + 1 WHERE id = 1"));
                var both = Time(() =>
                {
                    connection.Close();
                    connection.Open();
                    Execute(connection, "UPDATE counter SET value = value + 1 WHERE id = 1");
                });
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {reopen:F1} | {update:F1} | {both:F1} |"));
            }

            output.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
            await context.Database.CloseConnectionAsync();
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Microseconds per call of <paramref name="operation"/>, over <see cref="Operations"/> calls.</summary>
    private static double Time(Action operation)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Operations; i++)
        {
            operation();
        }

        return clock.Elapsed.TotalMicroseconds / Operations;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
