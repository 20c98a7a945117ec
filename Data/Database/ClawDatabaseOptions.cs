using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Data.Database;

/// <summary>
/// The <c>Database</c> configuration section. The connection string itself is <c>ConnectionStrings:ClawGroups</c>,
/// where hosting tools expect it; it is copied into <see cref="ConnectionString"/> when the options are bound.
/// </summary>
public sealed class ClawDatabaseOptions
{
    public const string SectionName = "Database";

    public const string ConnectionStringName = "ClawGroups";

    /// <summary>The SQLite file used when no connection string is configured, relative to the content root.</summary>
    public const string DefaultSqliteFile = "App_Data/clawgroups.db";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start-up. Turn off where a deployment step migrates instead.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>How hard the embedded SQLite file holds each commit; see <see cref="SqliteDurability"/>. PostgreSQL ignores it.</summary>
    public SqliteDurability SqliteDurability { get; set; } = SqliteDurability.Normal;

    /// <summary>
    /// Count each request's database commands and report them in a <c>Server-Timing</c> header (<see cref="DatabaseCommandTally"/>).
    /// For benchmarks; off by default.
    /// </summary>
    public bool CountCommands { get; set; }

    /// <summary>
    /// How much memory the embedded SQLite may hold in all its connections together before its page caches stop growing
    /// (SQLite's soft heap limit, process-wide), in megabytes; 0 leaves each connection its own 2 MB cache, without a bound on
    /// the sum. Each connection also holds ~200 KB of its own that the limit cannot shrink; writers waiting on the write gate
    /// hold none (<see cref="SqliteWriteGate"/>), so the pool holds about as many as run at once. PostgreSQL ignores it.
    /// </summary>
    [Range(0, 1_048_576, ErrorMessage = "Database:SqliteMemoryLimitMegabytes must be from 0 (no limit) to 1048576.")]
    public int SqliteMemoryLimitMegabytes { get; set; } = DefaultSqliteMemoryLimitMegabytes;

    public const int DefaultSqliteMemoryLimitMegabytes = 64;

    /// <summary>
    /// How many compiled statements the embedded SQLite keeps on each of its connections, to run the same SQL again without
    /// compiling it (<see cref="SqliteKeptStatements"/>), the least recently run given up first; 0 keeps none. A statement
    /// holds a few KB of SQLite's memory. PostgreSQL ignores it (its counterpart is <c>Max Auto Prepare</c>).
    /// </summary>
    [Range(0, 10_000, ErrorMessage = "Database:SqliteStatementsKept must be from 0 (none) to 10000.")]
    public int SqliteStatementsKept { get; set; } = DefaultSqliteStatementsKept;

    /// <summary>Room for every statement the agents' calls, the passes and the sweeps run (some 60–80 SQL texts), and a margin.</summary>
    public const int DefaultSqliteStatementsKept = 128;

    [Required(ErrorMessage = "Set ConnectionStrings:ClawGroups (environment ConnectionStrings__ClawGroups) when Database:Provider is Postgres.")]
    public string? ConnectionString { get; set; }
}
