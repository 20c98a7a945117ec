using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
/// its handle (<see cref="KeptStatements.KeptCommand.RunOn"/>). Off (<c>Database:SqliteStatementsKept</c> = 0), for a
/// database Microsoft.Data.Sqlite does not pool (<c>Pooling=False</c>, in memory), or where its private field is gone, EF's
/// commands are Microsoft.Data.Sqlite's own, as before.
/// </summary>
public sealed class SqliteKeptStatements : DbCommandInterceptor, IDbConnectionInterceptor, IDisposable
{
    /// <summary>How often at most the statements of handles the pool has closed are looked for, as connections close.</summary>
    private const long SweepEveryMilliseconds = 1_000;

    private readonly ConditionalWeakTable<sqlite3, KeptStatements> _byHandle = [];
    private readonly ConcurrentDictionary<string, bool> _pooled = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<SqliteConnection, KeptStatements> _lastRanOn = [];
    private long _sweptAt;
    private volatile bool _disposed;

    /// <param name="perHandle">Statements kept per handle, the least recently run given up first; 0 keeps none.</param>
    /// <param name="logger">Where it says so when this Microsoft.Data.Sqlite leaves it unable to keep statements.</param>
    public SqliteKeptStatements(int perHandle, ILogger<SqliteKeptStatements>? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perHandle);
        var canKeep = KeptStatements.KeptCommand.CanBePointed();
        PerHandle = canKeep ? perHandle : 0;
        if (!canKeep && perHandle > 0)
        {
            (logger ?? NullLogger<SqliteKeptStatements>.Instance).LogWarning(
                "This Microsoft.Data.Sqlite lacks the field SQLite's kept statements are run through; every command compiles its SQL afresh (decision 0048).");
        }
    }

    /// <summary>Statements kept per handle: as configured, or 0 where this Microsoft.Data.Sqlite cannot run them on another connection.</summary>
    public int PerHandle { get; }

    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return result.HasResult || PerHandle == 0 || _disposed || eventData.Connection is not SqliteConnection connection || !Pooled(connection)
            ? result
            : InterceptionResult<DbCommand>.SuppressWithResult(new KeptStatementCommand(connection, this));
    }

    /// <summary>Each connection made for EF is watched for its closing (<see cref="EndReadsLeftOpen"/>).</summary>
    public DbConnection ConnectionCreated(ConnectionCreatedEventData eventData, DbConnection result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result is SqliteConnection)
        {
            result.StateChange += EndReadsLeftOpen;
        }

        return result;
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => SweepNowAndThen();

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        SweepNowAndThen();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Frees every statement not running: at shutdown, before Microsoft.Data.Sqlite closes its pooled handles, so that each
    /// closes at once and its last close folds the log back into the file, as without kept statements.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var (_, kept) in _byHandle)
        {
            kept.GiveUpAll();
        }
    }

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
    /// Whether the connection's handles outlive it in Microsoft.Data.Sqlite's pool. Unpooled (<c>Pooling=False</c>, or a
    /// database in memory, which it never pools), each close ends its handle, and statements kept on it would only keep it
    /// open, and an in-memory database alive, until they were collected.
    /// </summary>
    private bool Pooled(SqliteConnection connection)
        => _pooled.GetOrAdd(connection.ConnectionString, static text =>
            new SqliteConnectionStringBuilder(text) is { Pooling: true } sqlite && sqlite.Mode != SqliteOpenMode.Memory
            && sqlite.DataSource is not (":memory:" or ""));

    /// <summary>The statements a connection last ran on, for <see cref="EndReadsLeftOpen"/>.</summary>
    /// <remarks>Read first: a connection keeps its handle for most of its commands, and the table's writes take a lock.</remarks>
    internal void Ran(SqliteConnection connection, KeptStatements kept)
    {
        if (!_lastRanOn.TryGetValue(connection, out var last) || !ReferenceEquals(last, kept))
        {
            _lastRanOn.AddOrUpdate(connection, kept);
        }
    }

    /// <summary>
    /// A reader still open when its connection closes is ended, as Microsoft.Data.Sqlite ends the readers of the commands it
    /// knows on closing (a kept statement is not one of them): its statement reset, so that the handle holds no snapshot of
    /// the file in the pool, which would keep its next holder from seeing later commits and checkpoints from finishing.
    /// Whatever closes the connection: EF after a command or when a pooled context goes back (which raises no interceptor
    /// event), or the write gate giving a waiting writer's connection back.
    /// </summary>
    private void EndReadsLeftOpen(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Closed && sender is SqliteConnection connection && _lastRanOn.TryGetValue(connection, out var kept))
        {
            kept.EndReadsOf(connection);
        }
    }

    private void SweepNowAndThen()
    {
        var now = Environment.TickCount64;
        var swept = Interlocked.Read(ref _sweptAt);
        if (now - swept >= SweepEveryMilliseconds && Interlocked.CompareExchange(ref _sweptAt, now, swept) == swept)
        {
            GiveUpClosedHandles();
        }
    }

    /// <summary>
    /// Frees the statements of handles the pool has closed (idle for minutes, or its pool cleared). SQLite closes a handle
    /// that still has statements only once the last is freed, and until then keeps its files open; looked for whenever a
    /// handle is first seen, which is when the pool has opened one, often after letting others go, and at most once a
    /// second as connections close.
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
