using System.Data.Common;
using Npgsql;

namespace ClawGroups.Data.Database;

/// <summary>
/// What the app adds to an operator's PostgreSQL connection string, each unless the string sets it itself:
/// <list type="bullet">
/// <item>Statements prepared automatically once they recur. Without it PostgreSQL parses and plans every one of EF's
/// statements afresh (Npgsql's <c>prepared_ratio</c> was 0 under the steady feed, where the database took half a core
/// beside the app). <c>Max Auto Prepare=0</c> turns it off (needed behind a pooler in transaction mode that cannot keep
/// prepared statements, such as PgBouncer before 1.21).</item>
/// <item>At most <see cref="MaxPoolSize"/> connections in the app's pool, not Npgsql's 100: under the steady feed a 2-core
/// node opened all 100 within a second of the load's start, each a new server process planning its statements afresh while
/// the calls waited, and two nodes at 100 each (with Hangfire's pool beside them) would pass PostgreSQL's own default
/// limit of 100 connections and be refused (docs/PERFORMANCE.md, "The steady feed re-measured").</item>
/// </list>
/// </summary>
public static class PostgresConnectionSettings
{
    /// <summary>Statements kept prepared per connection: more than the app's distinct hot statements.</summary>
    public const int MaxAutoPrepare = 256;

    /// <summary>Uses before a statement is prepared: a one-off query is not worth a server-side plan.</summary>
    public const int AutoPrepareMinUsages = 2;

    /// <summary>
    /// The app's connections per node: 24 and four a core, 32 on the 2-core machine it was measured on. They serve the
    /// requests and the job workers' own database work (passes, sweeps, deliveries; Hangfire runs two workers a core, each
    /// holding a connection for a transaction at a time), so the pool grows with the cores as the workers do. Under the
    /// steady feed, alternated with 100 on 2 cores: the calls' tails lower in two of three pairs and even in the third,
    /// PostgreSQL's CPU an item lower in all three, 52–54 server processes instead of 123.
    /// </summary>
    public static int MaxPoolSize { get; } = 24 + (4 * Environment.ProcessorCount);

    public static string WithDefaults(string connectionString)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows; the plain builder holds only what the string says.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(given, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
            if (!Names(given, "Auto Prepare Min Usages"))
            {
                builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
            }
        }

        if (!Names(given, "Maximum Pool Size", "MaxPoolSize"))
        {
            // An operator's minimum above the default raises the maximum with it: Npgsql refuses a minimum over the maximum.
            builder.MaxPoolSize = Math.Max(MaxPoolSize, builder.MinPoolSize);
        }

        return builder.ConnectionString;
    }

    /// <summary>Whether the string sets the keyword under any of its names, however spaced or cased (Npgsql accepts all).</summary>
    private static bool Names(DbConnectionStringBuilder given, params string[] keywords) =>
        given.Keys.Cast<string>().Any(key => keywords.Any(keyword => Normalized(key) == Normalized(keyword)));

    private static string Normalized(string keyword) => keyword.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
