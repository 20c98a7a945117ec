using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Data.Database;

/// <summary>
/// One writer at a time on an embedded SQLite file, queued in the process. SQLite allows one writer; a second that
/// finds the file locked gets SQLITE_BUSY, and Microsoft.Data.Sqlite retries it by putting the thread to sleep for
/// 150 ms at a time. Under a swarm's load that made most of an agent call's time sleep (57 % of the request threads'
/// time in a profile, p99 ≈ 1.5 s) while the lock itself was free most of the time, and parked thread-pool threads.
/// Here a writer waits on an async gate instead: it starts the moment the one before commits, and waits on no thread.
///
/// Held from the start of a transaction to its end, or for one write command outside a transaction (a single-statement
/// save, <c>ExecuteUpdate</c>). Reads never wait: WAL lets them run beside the writer, as before. The gate is the same
/// lock SQLite takes, taken earlier and waited for without sleeping, so it cannot deadlock where SQLite did not.
/// One gate per database file; PostgreSQL does not use it. Writers marked <see cref="WritePriority.Ahead"/> (an assignment
/// pass's save) take the next turn before the ordinary line (<see cref="WriteTurns"/>).
///
/// A writer that has to wait gives its connection back to the pool while it waits, and opens it again when its turn
/// comes. EF opens the connection before the gate is reached (before <c>BEGIN</c>, before the command), so otherwise every
/// waiting request held an open SQLite connection, and the pool, which never refuses one, grew to as many connections as
/// requests queued at once: 1,051 in the swarm benchmark, ~220 KB each. Given back, the pool holds as many as run at once.
/// Only a connection opened for this very transaction or statement is given back (<see cref="Holder.OpenedForThis"/>):
/// one that has run something since it opened may hold a reader or other state that closing would lose, and waits open.
/// </summary>
public sealed class SqliteWriteGate(SqliteConnectionSettings? settings = null) : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>As long as SQLite itself would retry a locked write (the connection's default timeout) before failing.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, WriteTurns> _files = new(StringComparer.Ordinal);

    /// <summary>The connections holding their file's gate, and how: for a transaction, or for one command.</summary>
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = [];

    private int _waiting;

    private sealed class Holder
    {
        public WriteTurns? Gate;
        public DbCommand? Command;

        /// <summary>True from EF's opening of the connection until its first command: nothing on it yet that closing would lose.</summary>
        public bool OpenedForThis;
    }

    /// <summary>How many writers wait for a gate now, over all files. For tests and diagnostics.</summary>
    public int WritersWaiting => Volatile.Read(ref _waiting);

    /// <summary>What the turns at every file's gate have cost so far (<see cref="WriteGateReport"/>).</summary>
    public WriteGateStatistics Statistics => _files.Values.Aggregate(WriteGateStatistics.None, (sum, file) => sum.Plus(file.Statistics));

    // ---- Transactions: from BEGIN to COMMIT or ROLLBACK ----

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, command: null, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection, command: null);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(transaction, eventData));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        => Exited(ConnectionOf(transaction, eventData));

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(transaction, eventData));

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        => Exited(ConnectionOf(transaction, eventData));

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Exit(ConnectionOf(transaction, eventData));

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
        => Exited(ConnectionOf(transaction, eventData));

    // ---- A write outside a transaction: for the command ----

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterForCommandAsync(command, cancellationToken);
        NoteCommandRan(command);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterForCommand(command);
        NoteCommandRan(command);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterForCommandAsync(command, cancellationToken);
        NoteCommandRan(command);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterForCommand(command);
        NoteCommandRan(command);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterForCommandAsync(command, cancellationToken);
        NoteCommandRan(command);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnterForCommand(command);
        NoteCommandRan(command);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitCommand(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ExitCommand(command) ? AfterHandOverAsync(result) : ValueTask.FromResult(result);

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        ExitCommand(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        => ExitCommand(command) ? AfterHandOverAsync(result) : ValueTask.FromResult(result);

    // A statement with RETURNING holds SQLite's lock until its rows are read: the reader's end is the command's end.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ExitCommand(command);
        return result;
    }

    // Not yielded after handing over, unlike the other ends: this runs before the reader closes, and a RETURNING statement
    // not read to its end holds SQLite's lock until then, so the next writer would find the file locked.
    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ExitCommand(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        ExitCommand(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ExitCommand(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitCommand(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ExitCommand(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitCommand(command);
        return Task.CompletedTask;
    }

    // ---- Which connections may be given back while they wait: those EF has just opened ----

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => _holders.GetOrCreateValue(connection).OpenedForThis = true;

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }

    // ---- The safety net: a transaction disposed without commit or rollback ends when its connection closes ----

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Exit(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Exited(connection);

    /// <summary>True when <paramref name="sql"/> writes: its first statement after comments inserts, updates, deletes or changes the schema.</summary>
    public static bool Writes(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var text = sql.AsSpan();
        while (true)
        {
            text = text.TrimStart();
            if (!text.StartsWith("--", StringComparison.Ordinal))
                break;
            var end = text.IndexOf('\n');
            text = end < 0 ? [] : text[(end + 1)..];
        }

        foreach (var verb in WriteVerbs)
        {
            if (text.StartsWith(verb, StringComparison.OrdinalIgnoreCase) && (text.Length == verb.Length || !char.IsLetter(text[verb.Length])))
                return true;
        }

        return false;
    }

    private static readonly string[] WriteVerbs = ["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"];

    // Microsoft.Data.Sqlite forgets a transaction's connection once it ends; the context still knows it.
    private static DbConnection? ConnectionOf(DbTransaction transaction, TransactionEventData? eventData) =>
        transaction?.Connection ?? (eventData?.Context is { } context ? context.Database.GetDbConnection() : null);

    private Task EnterForCommandAsync(DbCommand command, CancellationToken cancellationToken) =>
        command.Transaction is null && Writes(command.CommandText) ? EnterAsync(command.Connection!, command, cancellationToken) : Task.CompletedTask;

    private void EnterForCommand(DbCommand command)
    {
        if (command.Transaction is null && Writes(command.CommandText))
            Enter(command.Connection!, command);
    }

    private async Task EnterAsync(DbConnection connection, DbCommand? command, CancellationToken cancellationToken)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Gate is not null)
            return;
        var gate = GateOf(connection);
        if (!gate.TryEnter())
        {
            var givenBack = GiveBack(connection, holder);
            var entered = false;
            Interlocked.Increment(ref _waiting);
            try
            {
                // Not back on the caller's context (a circuit's renderer): a writer handed the turn runs at once, not when its
                // circuit is free.
                entered = await gate.WaitAsync(WritePriority.IsAhead, Timeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
                TakeBack(connection, command, givenBack, entered ? gate : null);
            }

            if (!entered)
                throw Locked(connection);
        }

        (holder.Gate, holder.Command) = (gate, command);
        DatabaseCommandTally.NoteWriteTurn();
    }

    private void Enter(DbConnection connection, DbCommand? command)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Gate is not null)
            return;
        var gate = GateOf(connection);
        if (!gate.TryEnter())
        {
            var givenBack = GiveBack(connection, holder);
            var entered = false;
            Interlocked.Increment(ref _waiting);
            try
            {
                entered = gate.Wait(WritePriority.IsAhead, Timeout);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
                TakeBack(connection, command, givenBack, entered ? gate : null);
            }

            if (!entered)
                throw Locked(connection);
        }

        (holder.Gate, holder.Command) = (gate, command);
        DatabaseCommandTally.NoteWriteTurn();
    }

    /// <summary>Returns a connection EF has just opened for this write to the pool while the writer waits; false when it must stay open.</summary>
    private static bool GiveBack(DbConnection connection, Holder holder)
    {
        if (!holder.OpenedForThis || connection is not SqliteConnection { State: System.Data.ConnectionState.Open } sqlite)
            return false;
        // Closing also disposes the connection's commands (the one about to run among them): disposing a SqliteCommand
        // frees its prepared statements, and it prepares them again when it runs.
        sqlite.Close();
        return true;
    }

    /// <summary>
    /// Opens a connection given back again, from the pool, as EF left it: with the settings EF's opening applied, and the
    /// command waiting to run attached to it again (closing detached it). Also when the wait failed: EF opened the connection
    /// and will close it itself. Should opening fail, the gate just <paramref name="entered"/> is let go, or nobody would write again.
    /// </summary>
    private void TakeBack(DbConnection connection, DbCommand? command, bool givenBack, WriteTurns? entered)
    {
        if (!givenBack)
            return;
        var sqlite = (SqliteConnection)connection;
        try
        {
            sqlite.Open();
            settings?.Apply(sqlite);
        }
        catch
        {
            entered?.Release();
            throw;
        }

        if (command is SqliteCommand sqliteCommand)
        {
            sqliteCommand.Connection = null;
            sqliteCommand.Connection = sqlite;
        }
    }

    private void NoteCommandRan(DbCommand command)
    {
        if (command.Connection is { } connection && _holders.TryGetValue(connection, out var holder))
            holder.OpenedForThis = false;
    }

    /// <summary>Ends the turn held for this one command, if it holds one; true when the turn went to a writer waiting for it.</summary>
    private bool ExitCommand(DbCommand command) =>
        command.Connection is { } connection && _holders.TryGetValue(connection, out var holder) && holder.Command is not null
        && ReferenceEquals(holder.Command, command) && Release(holder);

    private Task Exited(DbConnection? connection) => Exit(connection) ? HandedOverAsync() : Task.CompletedTask;

    /// <summary>Ends the connection's turn, if it holds one; true when the turn went to a writer waiting for it.</summary>
    private bool Exit(DbConnection? connection) => connection is not null && _holders.TryGetValue(connection, out var holder) && Release(holder);

    private static bool Release(Holder holder)
    {
        var gate = holder.Gate;
        (holder.Gate, holder.Command) = (null, null);
        return gate?.Release() ?? false;
    }

    /// <summary>
    /// Lets the writer just handed the turn run before the rest of the one that handed it over. The turn's continuation is
    /// queued on this thread's own queue, which the thread serves only once it is back from its current work: the rest of
    /// this writer's request (reading what it wrote, answering) while the turn stood handed over and idle, a third of the
    /// time the turn was held in a swarm's busiest seconds (WriteGateReport). Yielding puts the rest of this request at the
    /// back of the pool's common queue, so the thread is back at once and runs the next writer, and the one writer SQLite
    /// allows is busy writing, not waiting for a thread. (On a circuit's renderer the rest goes to the circuit's queue
    /// instead; the writer handed the turn does not wait for it, <see cref="EnterAsync"/>.)
    /// </summary>
    private static async ValueTask<T> AfterHandOverAsync<T>(T result)
    {
        await Task.Yield();
        return result;
    }

    /// <inheritdoc cref="AfterHandOverAsync{T}(T)"/>
    private static async Task HandedOverAsync() => await Task.Yield();

    /// <summary>
    /// Takes the file's turn for work that is not EF's and needs the file without writers (<see cref="SqliteCheckpoints"/>
    /// starting the log again), ahead of the ordinary line; null when it did not come within <paramref name="timeout"/>.
    /// Disposing the answer ends the turn.
    /// </summary>
    public IDisposable? TakeTurn(DbConnection connection, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Open, so that its DataSource is SQLite's own full name of the file, as it is for EF's connections when they enter.
        if (connection.State != System.Data.ConnectionState.Open)
        {
            throw new InvalidOperationException("A turn is taken on an open connection: only then does it name its file as EF's connections do.");
        }

        var gate = GateOf(connection);
        return gate.Wait(ahead: true, timeout) ? new Turn(gate) : null;
    }

    private sealed class Turn(WriteTurns gate) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private WriteTurns GateOf(DbConnection connection) => _files.GetOrAdd(connection.DataSource, _ => new WriteTurns());

    private static SqliteException Locked(DbConnection connection) =>
        new($"database is locked: no write finished on {connection.DataSource} within {Timeout.TotalSeconds:0} s.", 5);
}
