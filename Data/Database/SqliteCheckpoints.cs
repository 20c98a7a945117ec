using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Database;

/// <summary>
/// Copies the embedded SQLite file's write-ahead log back into the file on a thread of its own, every
/// <see cref="Interval"/>, so that requests seldom do. Left to SQLite, the commit that takes the log past 1,000 pages runs
/// the checkpoint itself before it returns: it copies the pages and flushes both files to disk (two fsyncs, 2–3 ms each on
/// the development machine) while its request still holds the write gate (<see cref="SqliteWriteGate"/>), and every other
/// writer waits behind it. Under a swarm's load that was ~44 flushes a second, 13 % of the time the one writer had
/// (docs/PERFORMANCE.md, decision 0039). Here the copying is PASSIVE: it takes neither SQLite's write lock nor the gate,
/// waits for nobody, and copies what no reader still needs.
/// <para>
/// It cannot end the log by itself, though. SQLite starts the log again from its beginning only when a writer begins after
/// every page in it was copied, and under steady writes some commit always lands while a round is copying. So the
/// connections still checkpoint, as a backstop, once the log reaches <see cref="BackstopPages"/>
/// (<see cref="SqliteConnectionSettings"/>): that commit copies what the last round left, under the gate, completes, and
/// the next writer starts the log again. The disk is flushed inside a turn a few times a second instead of dozens, and
/// the log stays under ~40 MB. A host that does not run this service gets the same backstop.
/// </para>
/// Durability does not change: a commit is whole in the log when it returns, copied or not, and a crash before the copy
/// replays the log when the file is next opened.
/// </summary>
public sealed partial class SqliteCheckpoints(IOptions<ClawDatabaseOptions> options, ILogger<SqliteCheckpoints> logger, TimeProvider time) : BackgroundService
{
    /// <summary>Often enough that a backstop checkpoint finds little left to copy, seldom enough that a round's flushes cost little.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The log's length, in pages, at which a commit checkpoints after all (<c>wal_autocheckpoint</c>): ten times SQLite's
    /// default, ~40 MB of 4 KB pages, about half a second of a swarm's writes.
    /// </summary>
    public const int BackstopPages = 10_000;

    /// <summary>
    /// A log this long (~400 MB) has not been started again for a long time: a reader has held an old snapshot open, or the
    /// rounds have been failing.
    /// </summary>
    private const long LongLogPages = 100_000;

    private static readonly TimeSpan WarnAtMostEvery = TimeSpan.FromMinutes(1);

    /// <summary>Whether the connections of this database leave checkpoints to this service: SQLite files, not in memory.</summary>
    public static bool AppliesTo(ClawDatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider != DatabaseProvider.Sqlite || database.ConnectionString is not { } connectionString)
        {
            return false;
        }

        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        return sqlite.Mode != SqliteOpenMode.Memory && sqlite.DataSource is not (":memory:" or "");
    }

    /// <summary>
    /// A round's outcome, as <c>PRAGMA wal_checkpoint</c> reports it: whether another checkpoint held the file (the round did
    /// nothing), the pages in the log, and how many of them are back in the file.
    /// </summary>
    public readonly record struct Round(bool Busy, long LogPages, long CopiedPages);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var database = options.Value;
        if (!AppliesTo(database))
        {
            return Task.CompletedTask;
        }

        // Its own thread: a round blocks in fsync for milliseconds, which the thread pool's threads are too few for on a
        // small machine under load.
        return Task.Factory.StartNew(() => Run(database.ConnectionString!, stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(string connectionString, CancellationToken stoppingToken)
    {
        // ReadWrite, not ReadWriteCreate: with migrations off and no file yet, this must not create an empty one. A short
        // busy timeout: opening reads the schema, and a stop must not wait the requests' 30 s for it.
        var readWrite = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 1 }.ToString();
        SqliteConnection? connection = null;
        var warnedAt = DateTimeOffset.MinValue;
        var failures = 0;
        try
        {
            while (!stoppingToken.WaitHandle.WaitOne(Interval))
            {
                try
                {
                    connection ??= Open(readWrite);
                    var round = CheckpointOnce(connection);
                    failures = 0;
                    if (round.LogPages > LongLogPages && ShouldWarn(ref warnedAt))
                    {
                        LogLongLog(logger, round.LogPages, round.CopiedPages);
                    }
                }
#pragma warning disable CA1031 // Housekeeping: a failed round must not stop the server; the log keeps every commit meanwhile.
                catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    // A file not there yet (migrations off), a full disk, a permission: the next round tries again on a fresh
                    // connection, and the backstop keeps the log bounded meanwhile. Said aloud when it goes on.
                    failures++;
                    if (failures > 1 && ShouldWarn(ref warnedAt))
                    {
                        LogRoundsFailing(logger, failures, exception);
                    }
                    else
                    {
                        LogRoundFailed(logger, exception);
                    }

                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private bool ShouldWarn(ref DateTimeOffset warnedAt)
    {
        var now = time.GetUtcNow();
        if (now - warnedAt < WarnAtMostEvery)
        {
            return false;
        }

        warnedAt = now;
        return true;
    }

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>One PASSIVE checkpoint: copies what it can without waiting for any reader or writer.</summary>
    public static Round CheckpointOnce(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        // One row: busy (1 when another checkpoint holds the file, not an error), pages in the log, pages copied; the two
        // counts are -1 then, and when the file is not in WAL mode.
        return reader.Read() ? new Round(reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2)) : new Round(false, -1, -1);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The SQLite write-ahead log holds {LogPages} pages ({CopiedPages} back in the file) and has not started again for a long time: a reader has kept an old snapshot open, or checkpoints are failing")]
    private static partial void LogLongLog(ILogger logger, long logPages, long copiedPages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A SQLite checkpoint round failed; the next tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failures} SQLite checkpoint rounds in a row failed; commits copy the log themselves meanwhile")]
    private static partial void LogRoundsFailing(ILogger logger, int failures, Exception exception);
}
