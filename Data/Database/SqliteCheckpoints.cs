using System.Diagnostics;
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
/// Copying is not enough to keep the log short, though. SQLite starts the log again from its beginning only when a writer
/// begins after every page in it was copied and no reader still reads from it, and under steady writes some commit always
/// lands while a round copies. So once the log holds <see cref="RestartPages"/>, a round takes the write gate's turn, ahead
/// of the line, and checkpoints again with RESTART: with no writer appending it copies the little the PASSIVE copy just
/// before left, waits the few milliseconds the readers of older pages need, and the next writer starts the log again. One
/// short turn each time the log reaches that length instead of a flush every few commits. Should the rounds not run or keep
/// failing, the connections checkpoint themselves at <see cref="BackstopPages"/> (<see cref="SqliteConnectionSettings"/>).
/// </para>
/// Durability does not change: a commit is whole in the log when it returns, copied or not, and a crash before the copy
/// replays the log when the file is next opened.
/// </summary>
public sealed partial class SqliteCheckpoints(
    IOptions<ClawDatabaseOptions> options, SqliteWriteGate gate, ILogger<SqliteCheckpoints> logger, TimeProvider time) : BackgroundService
{
    /// <summary>Often enough that the log stays short, seldom enough that a round's flushes cost little.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>The log's length, in pages, at which a round starts it again: ~33 MB of 4 KB pages.</summary>
    public const int RestartPages = 8_000;

    /// <summary>
    /// The log's length, in pages, at which a commit checkpoints after all (<c>wal_autocheckpoint</c>): twenty times SQLite's
    /// default, ~80 MB, reached only when the rounds do not run or a reader keeps them from starting the log again.
    /// </summary>
    public const int BackstopPages = 20_000;

    /// <summary>How long a round waits for the write gate's turn before leaving the restart to the next round.</summary>
    private static readonly TimeSpan TurnWait = TimeSpan.FromSeconds(1);

    /// <summary>How long a round holds the turn waiting for readers of older pages: theirs are single queries.</summary>
    private static readonly TimeSpan ReaderWait = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A log this long (~400 MB) has not been started again for a long time: a reader has held an old snapshot open, or the
    /// rounds have been failing.
    /// </summary>
    private const long LongLogPages = 100_000;

    private static readonly TimeSpan WarnAtMostEvery = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan MinBackOff = Interval;
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    // The round's own state, touched only on its thread but for the statistics.
    private readonly RestartStatistics _statistics = new();
    private long _restartedAt = -1;
    private long _noRestartUntil;
    private TimeSpan _backOff;

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
        var reported = (At: Stopwatch.GetTimestamp(), Restarts: Restarts);
        try
        {
            while (!stoppingToken.WaitHandle.WaitOne(Interval))
            {
                try
                {
                    connection ??= Open(readWrite);
                    var round = RoundOnce(connection);
                    lock (_statistics)
                    {
                        _statistics.Rounds++;
                    }

                    failures = 0;
                    if (Stopwatch.GetElapsedTime(reported.At) >= ReportEvery && logger.IsEnabled(LogLevel.Debug))
                    {
                        var now = Restarts;
                        LogReport(logger, ReportEvery.TotalSeconds, round.LogPages, now.Restarts - reported.Restarts.Restarts, now.Busy - reported.Restarts.Busy,
                            (now.Held - reported.Restarts.Held).TotalMilliseconds, now.LongestHeld.TotalMilliseconds);
                        reported = (Stopwatch.GetTimestamp(), now);
                    }

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

    /// <summary>
    /// A PASSIVE copy, and the log started again when it has grown long: unless it was started again at this very length
    /// already and no writer has come since (an idle server), or a reader kept the last tries busy (backing off, so that a
    /// long reader does not cost the writers a turn every round while nothing can be done).
    /// </summary>
    private Round RoundOnce(SqliteConnection connection)
    {
        var round = CheckpointOnce(connection, restart: false);
        if (round.Busy || round.LogPages < RestartPages || round.LogPages == _restartedAt || Stopwatch.GetTimestamp() < _noRestartUntil)
        {
            return round;
        }

        var asked = Stopwatch.GetTimestamp();
        using var turn = gate.TakeTurn(connection, TurnWait);
        if (turn is null)
        {
            return round;
        }

        var started = Stopwatch.GetTimestamp();
        Round restart;
        // A plain stopwatch, not the TimeProvider: a test's clock that never moves must not keep the turn for ever.
        while ((restart = CheckpointOnce(connection, restart: true)).Busy && Stopwatch.GetElapsedTime(started) < ReaderWait)
        {
            Thread.Sleep(1);
        }

        NoteRestart(restart, Stopwatch.GetElapsedTime(asked, started), Stopwatch.GetElapsedTime(started));
        return restart;
    }

    private void NoteRestart(Round restart, TimeSpan waited, TimeSpan held)
    {
        lock (_statistics)
        {
            _statistics.Restarts++;
            _statistics.Busy += restart.Busy ? 1 : 0;
            _statistics.Waited += waited;
            _statistics.Held += held;
            _statistics.LongestHeld = held > _statistics.LongestHeld ? held : _statistics.LongestHeld;
        }

        if (restart.Busy)
        {
            _backOff = _backOff == TimeSpan.Zero ? MinBackOff : TimeSpan.FromTicks(Math.Min(_backOff.Ticks * 2, MaxBackOff.Ticks));
            _noRestartUntil = Stopwatch.GetTimestamp() + (long)(_backOff.TotalSeconds * Stopwatch.Frequency);
        }
        else
        {
            (_backOff, _restartedAt) = (TimeSpan.Zero, restart.LogPages);
        }
    }

    /// <summary>
    /// The rounds and restarts so far (for the Debug report and tests): rounds done, restarts tried, how many found a reader
    /// and gave up, and the turns' time.
    /// </summary>
    public RestartStatistics Restarts
    {
        get
        {
            lock (_statistics)
            {
                return _statistics with { };
            }
        }
    }

    public sealed record RestartStatistics
    {
        public long Rounds { get; set; }
        public long Restarts { get; set; }
        public long Busy { get; set; }
        public TimeSpan Waited { get; set; }
        public TimeSpan Held { get; set; }
        public TimeSpan LongestHeld { get; set; }
    }

    /// <summary>
    /// One checkpoint. PASSIVE copies what it can without waiting for any reader or writer. RESTART also takes SQLite's write
    /// lock, so it is made only while holding the write gate's turn: it reports busy, having copied what it could, while a
    /// reader still reads older pages of the log or another connection holds the write lock (a statement's reader not yet
    /// closed), and otherwise leaves the log to be started again by the next writer. Neither waits: no busy handler is set.
    /// </summary>
    public static Round CheckpointOnce(SqliteConnection connection, bool restart = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = restart ? "PRAGMA wal_checkpoint(RESTART);" : "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        // One row: busy (1 when it could not do all it was asked, not an error), pages in the log, pages copied (-1 and -1 when
        // another checkpoint held the file, or the file is not in WAL mode).
        return reader.Read() ? new Round(reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2)) : new Round(false, -1, -1);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The SQLite write-ahead log holds {LogPages} pages ({CopiedPages} back in the file) and has not started again for a long time: a reader has kept an old snapshot open, or checkpoints are failing")]
    private static partial void LogLongLog(ILogger logger, long logPages, long copiedPages);

    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "SQLite checkpoints over {Seconds} s: the log at {LogPages} pages; {Restarts} restarts under the write gate ({Busy} found a reader and gave up), holding it {HeldMs:F0} ms in all; longest turn so far {LongestMs:F0} ms")]
    private static partial void LogReport(ILogger logger, double seconds, long logPages, long restarts, long busy, double heldMs, double longestMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A SQLite checkpoint round failed; the next tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failures} SQLite checkpoint rounds in a row failed; commits copy the log themselves meanwhile")]
    private static partial void LogRoundsFailing(ILogger logger, int failures, Exception exception);
}
