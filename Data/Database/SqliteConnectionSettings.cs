using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Data.Database;

/// <summary>
/// Makes the contexts' SQLite connections (<see cref="ConnectionCreating"/>) and applies the settings SQLite does not keep in
/// the file (<c>synchronous</c>, the process-wide soft heap limit that bounds the page caches of all connections together,
/// and, where <see cref="SqliteCheckpoints"/> copies the log, checkpoints only at its backstop) to every connection they open. Once per
/// physical connection: the pool hands the same SQLite handle out again and the setting stays on it.
/// </summary>
public sealed class SqliteConnectionSettings(SqliteDurability durability, int memoryLimitMegabytes = 0, bool checkpointsElsewhere = false) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _applied = [];

    private readonly string _pragma = Pragmas(durability, memoryLimitMegabytes, checkpointsElsewhere);

    /// <summary>How large the log's file is left when the log starts again: where <see cref="SqliteCheckpoints"/> starts it (~33 MB) and room beside it.</summary>
    public const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>What each new connection runs.</summary>
    public static string Pragmas(SqliteDurability durability, int memoryLimitMegabytes, bool checkpointsElsewhere = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryLimitMegabytes);
        var synchronous = durability switch
        {
            SqliteDurability.Normal => "PRAGMA synchronous=NORMAL;",
            SqliteDurability.Full => "PRAGMA synchronous=FULL;",
            _ => throw new ArgumentOutOfRangeException(nameof(durability), durability, "Unknown SQLite durability."),
        };
        // The soft heap limit is the process's, not the connection's: setting it again on each connection keeps it where
        // configured and costs a call. When the limit is reached, a connection reuses its own cached pages instead of adding
        // more (what SQLite calls memory pressure); nothing fails.
        var pragmas = memoryLimitMegabytes == 0
            ? synchronous
            : string.Create(CultureInfo.InvariantCulture, $"{synchronous} PRAGMA soft_heap_limit={memoryLimitMegabytes * 1024L * 1024L};");
        // A commit that fills the log past 1,000 pages otherwise copies it back and flushes it while its writer's turn lasts;
        // with the copying done elsewhere, a commit still does it at the backstop, and a log grown past it by a long reader
        // is cut back to the limit when it starts again.
        return checkpointsElsewhere
            ? string.Create(CultureInfo.InvariantCulture,
                $"{pragmas} PRAGMA wal_autocheckpoint={SqliteCheckpoints.BackstopPages}; PRAGMA journal_size_limit={JournalSizeLimitBytes};")
            : pragmas;
    }

    /// <summary>
    /// Makes the connection itself, without the functions EF Core's SQLite provider adds to each one it makes (<c>regexp</c>
    /// and the <c>ef_</c> decimal arithmetic): Microsoft.Data.Sqlite registers a connection's functions with SQLite on every
    /// open and removes them on every close, and the contexts open and close a pooled connection several times a request
    /// (the removal alone was 4 % of a result's CPU, the two together ~7 % of what the server allocated in the swarm;
    /// docs/PERFORMANCE.md). Nothing here
    /// needs them: decimals are stored as doubles (<see cref="DecimalAsDoubleConverter"/>), so SQL does their arithmetic,
    /// and no query matches a regular expression. A query that did would fail with "no such function", not answer wrongly.
    /// </summary>
    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return result.HasResult || eventData.ConnectionString is not { } connectionString
            ? result
            : InterceptionResult<DbConnection>.SuppressWithResult(new SqliteConnection(connectionString));
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // A PRAGMA on an open connection answers from memory: no reason to go asynchronous for it.
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>Applies the settings to <paramref name="connection"/> unless its SQLite handle has them already.</summary>
    internal void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || _applied.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = sqlite.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
        _applied.AddOrUpdate(handle, this);
    }
}
