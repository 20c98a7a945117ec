using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Database;

/// <summary>
/// Copies the embedded SQLite file's write-ahead log back into the file on a thread of its own, every
/// <see cref="Interval"/>, so that no request does it. Left to SQLite, the commit that takes the log past 1,000 pages runs
/// the checkpoint itself before it returns: it copies the pages and flushes both files to disk (two fsyncs, 2–3 ms each
/// on the development machine) while its request still holds the write gate (<see cref="SqliteWriteGate"/>), and every
/// other writer waits behind it. Under a swarm's load that was ~44 flushes a second, 13 % of the time the one writer had
/// (docs/PERFORMANCE.md). The connections therefore do not checkpoint (<c>wal_autocheckpoint=0</c>, set by
/// <see cref="SqliteConnectionSettings"/>) and this does, PASSIVE: it takes neither SQLite's write lock nor the gate,
/// waits for nobody, and copies what no reader still needs; what is left goes on the next round. Durability does not
/// change: a commit is whole in the log when it returns, checkpointed or not, and a crash before the copy replays the log.
/// </summary>
public sealed partial class SqliteCheckpoints(IOptions<ClawDatabaseOptions> options, ILogger<SqliteCheckpoints> logger) : BackgroundService
{
    /// <summary>
    /// Often enough that the log stays small (a few thousand pages at a swarm's rate), seldom enough that the two flushes a
    /// round cost a few percent of one thread.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>This many pages in the log and not in the file (~400 MB of 4 KB pages) means a reader has held an old snapshot for a long time.</summary>
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

    /// <summary>The round's outcome, as <c>PRAGMA wal_checkpoint</c> reports it: pages in the log, and how many are in the file.</summary>
    public readonly record struct Round(long LogPages, long CopiedPages);

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
        // ReadWrite, not ReadWriteCreate: with migrations off and no file yet, this must not create an empty one.
        var readWrite = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        SqliteConnection? connection = null;
        var warnedAt = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.WaitHandle.WaitOne(Interval))
            {
                try
                {
                    connection ??= Open(readWrite);
                    var round = CheckpointOnce(connection);
                    if (round.LogPages - round.CopiedPages > LongLogPages && DateTimeOffset.UtcNow - warnedAt > WarnAtMostEvery)
                    {
                        warnedAt = DateTimeOffset.UtcNow;
                        LogLongLog(logger, round.LogPages, round.CopiedPages);
                    }
                }
                catch (SqliteException exception)
                {
                    // Another process's checkpoint at the same moment (SQLITE_BUSY), a file not there yet, a full disk: the
                    // log keeps every commit meanwhile, and the next round tries again on a fresh connection.
                    LogRoundFailed(logger, exception);
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
        // One row: busy (always 0 for PASSIVE), pages in the log, pages copied; -1 and -1 when the file is not in WAL mode.
        return reader.Read() ? new Round(reader.GetInt64(1), reader.GetInt64(2)) : new Round(-1, -1);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The SQLite write-ahead log holds {LogPages} pages and only {CopiedPages} are back in the file: a reader has kept an old snapshot open for a long time, and the log grows until it ends")]
    private static partial void LogLongLog(ILogger logger, long logPages, long copiedPages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A SQLite checkpoint failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
