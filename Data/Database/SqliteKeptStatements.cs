using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace ClawGroups.Data.Database;

/// <summary>
/// The embedded database's statements compiled once and run again, as PostgreSQL's are (<see
/// cref="PostgresConnectionSettings.MaxAutoPrepare"/>): EF's commands on SQLite run on statements kept per connection handle
/// (<see cref="KeptStatements"/>), so the same SQL is parsed and planned once a handle rather than on every command.
/// Microsoft.Data.Sqlite prepares each command's SQL afresh and frees it when the command is disposed or its connection
/// closes, and EF makes a command for every query and every statement of a save: compiling them was ~8 % of the swarm
/// server's CPU samples (docs/PERFORMANCE.md, decision 0048).
///
/// The statements belong to the handle (SQLite's own connection, which Microsoft.Data.Sqlite pools and hands to one
/// <see cref="SqliteConnection"/> at a time), not to the connection object that happens to hold it, so they outlive EF's
/// opening and closing of a context's connection around each command and the write gate's giving a waiting writer's
/// connection back (<see cref="SqliteWriteGate"/>). Each is a <see cref="SqliteCommand"/> run on whichever connection holds
/// its handle (<see cref="KeptStatements.KeptCommand.RunOn"/>). Off (<c>Database:SqliteStatementsKept</c> = 0), EF's
/// commands are Microsoft.Data.Sqlite's own, as before.
/// </summary>
public sealed class SqliteKeptStatements : DbCommandInterceptor
{
    private readonly ConditionalWeakTable<sqlite3, KeptStatements> _byHandle = [];

    private readonly ConcurrentDictionary<string, bool> _pooled = new(StringComparer.Ordinal);

    /// <param name="perHandle">Statements kept per handle, the least recently run given up first; 0 keeps none.</param>
    public SqliteKeptStatements(int perHandle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perHandle);
        PerHandle = KeptStatements.KeptCommand.CanBePointed() ? perHandle : 0;
    }

    /// <summary>Statements kept per handle: as configured, or 0 where this Microsoft.Data.Sqlite cannot run them on another connection.</summary>
    public int PerHandle { get; }

    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return result.HasResult || PerHandle == 0 || eventData.Connection is not SqliteConnection connection || !Pooled(connection)
            ? result
            : InterceptionResult<DbCommand>.SuppressWithResult(new KeptStatementCommand(connection, this));
    }

    /// <summary>
    /// Whether the connection's handles outlive it in Microsoft.Data.Sqlite's pool. Unpooled (<c>Pooling=False</c>), each
    /// close ends its handle, and statements kept on it would only keep it and its files open until they were collected.
    /// </summary>
    private bool Pooled(SqliteConnection connection)
        => _pooled.GetOrAdd(connection.ConnectionString, static text => new SqliteConnectionStringBuilder(text).Pooling);

    /// <summary>The statements kept on <paramref name="handle"/>.</summary>
    internal KeptStatements For(sqlite3 handle)
    {
        if (_byHandle.TryGetValue(handle, out var kept))
        {
            return kept;
        }

        GiveUpClosedHandles();
        return _byHandle.GetValue(handle, _ => new KeptStatements(PerHandle));
    }

    /// <summary>
    /// Frees the statements of handles the pool has closed (idle for minutes, or its pool cleared). SQLite closes a handle
    /// that still has statements only once the last is freed, and until then keeps its files open; looked for whenever a
    /// handle is first seen, which is when the pool has opened one, often after letting others go.
    /// </summary>
    private void GiveUpClosedHandles()
    {
        foreach (var (handle, kept) in _byHandle)
        {
            if (handle.IsClosed && _byHandle.Remove(handle))
            {
                kept.GiveUpAll();
            }
        }
    }
}
