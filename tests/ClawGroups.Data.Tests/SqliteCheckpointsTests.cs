using ClawGroups.Data.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Tests;

public sealed class SqliteCheckpointsTests : IDisposable
{
    /// <summary>Over SQLite's default of 1,000 pages in the log, the point where a commit checkpoints when left to itself.</summary>
    private const int PagesWritten = 1_500;

    /// <summary>Commits of <see cref="Rows"/> pages each: 30,000 pages, more than the backstop.</summary>
    private const int Rows = 200, Commits = 150;

    private readonly string _directory = Directory.CreateTempSubdirectory("claw-checkpoints-").FullName;

    private string File => Path.Combine(_directory, "claw.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_contexts_connections_leave_checkpoints_to_the_background_service_but_at_the_backstop()
    {
        using var host = Host($"Data Source={File}");
        await using var context = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext();

        var pages = await AutocheckpointPagesAsync(context);

        Assert.Equal(SqliteCheckpoints.BackstopPages, pages);
        Assert.Contains(host.Services.GetServices<IHostedService>(), service => service is SqliteCheckpoints);
    }

    [Fact]
    public async Task A_database_in_memory_keeps_SQLites_own_checkpoints()
    {
        using var host = Host("Data Source=claw-checkpoints;Mode=Memory;Cache=Shared");
        await using var context = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext();

        Assert.Equal(1_000, await AutocheckpointPagesAsync(context));
    }

    [Theory]
    [InlineData("Sqlite", "Data Source=/tmp/claw.db", true)]
    [InlineData("Sqlite", "Data Source=:memory:", false)]
    [InlineData("Sqlite", "Data Source=claw;Mode=Memory;Cache=Shared", false)]
    [InlineData("Postgres", "Host=localhost;Database=claw", false)]
    public void Only_a_SQLite_file_has_its_checkpoints_in_the_background(string provider, string connectionString, bool applies)
    {
        var database = new ClawDatabaseOptions { Provider = Enum.Parse<DatabaseProvider>(provider), ConnectionString = connectionString };

        Assert.Equal(applies, SqliteCheckpoints.AppliesTo(database));
    }

    [Fact]
    public void Without_the_background_service_the_connections_checkpoint_as_SQLite_does()
    {
        Assert.DoesNotContain("wal_autocheckpoint", SqliteConnectionSettings.Pragmas(SqliteDurability.Normal, 64), StringComparison.Ordinal);
        Assert.EndsWith("PRAGMA wal_autocheckpoint=20000; PRAGMA journal_size_limit=67108864;",
            SqliteConnectionSettings.Pragmas(SqliteDurability.Normal, 64, checkpointsElsewhere: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Left_to_itself_the_commit_that_fills_the_log_copies_it_into_the_file()
    {
        using var reader = CreateWalFile();

        var lengthAfterCommit = WriteInOneCommit(checkpointsElsewhere: false);

        Assert.True(lengthAfterCommit > PagesWritten * 4096L, "the committing writer copied the log into the file");
    }

    [Fact]
    public async Task A_commit_that_fills_the_log_leaves_the_copy_to_the_background_which_makes_it()
    {
        using var reader = CreateWalFile();

        var lengthAfterCommit = WriteInOneCommit(checkpointsElsewhere: true);
        using var checkpoints = Checkpoints(File);
        await checkpoints.StartAsync(CancellationToken.None);
        var copied = await EventuallyAsync(() => new FileInfo(File).Length > PagesWritten * 4096L);
        await checkpoints.StopAsync(CancellationToken.None);

        Assert.True(lengthAfterCommit < PagesWritten * 4096L / 10, $"the commit itself copied the log ({lengthAfterCommit} bytes in the file)");
        Assert.True(copied, "the background checkpoint never copied the log into the file");
        Assert.Equal(PagesWritten, CountRows());
    }

    [Fact]
    public void Without_rounds_a_commit_starts_the_log_again_at_the_backstop()
    {
        // Without the backstop the log would hold all 30,000 pages written.
        using var reader = CreateWalFile();
        using var writer = Writer();

        for (var commit = 0; commit < Commits; commit++)
        {
            RewriteEveryRow(writer, commit);
        }

        Assert.True(LogPages(writer) <= SqliteCheckpoints.BackstopPages + 2 * Rows, $"the log grew to {LogPages(writer)} pages");
    }

    [Fact]
    public async Task A_round_that_finds_the_log_long_takes_the_write_gates_turn_to_start_it_again()
    {
        // Under a swarm's steady writes a PASSIVE copy never finds the log still (some commit lands while it copies), so a
        // long log is started again under the gate; here the writes have stopped, and the turn is what the test can see.
        using var reader = CreateWalFile();
        using var writer = Writer();
        FillTheLogPastARestart(writer);
        var gate = new SqliteWriteGate();
        using var checkpoints = new SqliteCheckpoints(Options(File), gate, NullLogger<SqliteCheckpoints>.Instance, TimeProvider.System);
        await checkpoints.StartAsync(CancellationToken.None);
        var turnTaken = await EventuallyAsync(() => gate.Statistics.Turns > 0);
        await checkpoints.StopAsync(CancellationToken.None);
        using (gate.TakeTurn(writer, TimeSpan.FromSeconds(5)))
        {
            Execute(writer, "UPDATE Pages SET Body = zeroblob(3000) WHERE Id = 1;");
        }

        Assert.True(turnTaken, "no round took the write gate's turn");
        Assert.Equal((1, 0), (checkpoints.Restarts.Restarts, checkpoints.Restarts.Busy));
        Assert.Equal(1, SqliteCheckpoints.CheckpointOnce(writer).LogPages);
    }

    [Fact]
    public void A_restart_reports_busy_while_a_reader_reads_older_pages_of_the_log()
    {
        using var reader = CreateWalFile();
        using var writer = Writer();
        Execute(reader, "BEGIN; SELECT count(*) FROM Pages;");
        RewriteEveryRow(writer, 1);
        using var checkpointer = Open();

        var whileReading = SqliteCheckpoints.CheckpointOnce(checkpointer, restart: true);
        Execute(reader, "COMMIT;");
        var afterwards = SqliteCheckpoints.CheckpointOnce(checkpointer, restart: true);

        Assert.True(whileReading.Busy);
        Assert.False(afterwards.Busy);
    }

    [Fact]
    public async Task A_reader_that_keeps_a_restart_busy_makes_the_rounds_back_off_rather_than_take_a_turn_each()
    {
        // The reader's snapshot is older than every page the log holds past it: no restart can succeed while it reads.
        using var reader = CreateWalFile();
        using var writer = Writer();
        Execute(reader, "BEGIN; SELECT count(*) FROM Pages;");
        FillTheLogPastARestart(writer);
        var gate = new SqliteWriteGate();
        using var checkpoints = new SqliteCheckpoints(Options(File), gate, NullLogger<SqliteCheckpoints>.Instance, TimeProvider.System);
        await checkpoints.StartAsync(CancellationToken.None);
        var tried = await EventuallyAsync(() => checkpoints.Restarts.Busy > 0);
        var firstTry = checkpoints.Restarts.Rounds;
        var eightMore = await EventuallyAsync(() => checkpoints.Restarts.Rounds >= firstTry + 8);
        await checkpoints.StopAsync(CancellationToken.None);
        Execute(reader, "COMMIT;");

        // Without backing off, a try every round: nine in these rounds. Backing off one round, then two, four and eight
        // leaves room for three tries after the first (a round lasts at least the back-off's unit: one more at most).
        Assert.True(tried, "no restart was tried");
        Assert.True(eightMore, "the rounds stopped");
        Assert.InRange(checkpoints.Restarts.Restarts, 1, 5);
    }

    [Fact]
    public async Task Where_there_is_no_file_it_makes_none()
    {
        var log = new RoundLog();
        using var checkpoints = new SqliteCheckpoints(Options(File), new SqliteWriteGate(), log, TimeProvider.System);

        await checkpoints.StartAsync(CancellationToken.None);
        var failed = await EventuallyAsync(() => log.Failures > 0);
        await checkpoints.StopAsync(CancellationToken.None);

        Assert.True(failed, "no round ran");
        Assert.False(System.IO.File.Exists(File));
        Assert.False(checkpoints.ExecuteTask!.IsFaulted);
    }

    /// <summary>
    /// Makes the file and returns a connection to keep open: the last connection to close a file copies its log back, which
    /// would hide who else did.
    /// </summary>
    private SqliteConnection CreateWalFile()
    {
        var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE Pages (Id INTEGER PRIMARY KEY, Body BLOB NOT NULL);");
        return connection;
    }

    /// <summary>
    /// About one page a row, all in one transaction, on a connection set as the contexts' are; returns the file's length
    /// right after the commit.
    /// </summary>
    private long WriteInOneCommit(bool checkpointsElsewhere)
    {
        using var connection = Open();
        Execute(connection, SqliteConnectionSettings.Pragmas(SqliteDurability.Normal, 0, checkpointsElsewhere));
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO Pages (Body) VALUES (zeroblob(4000))";
        for (var row = 0; row < PagesWritten; row++)
        {
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return new FileInfo(File).Length;
    }

    /// <summary>200 rows of one page each, on a connection set as the contexts' are.</summary>
    private SqliteConnection Writer()
    {
        var writer = Open();
        Execute(writer, SqliteConnectionSettings.Pragmas(SqliteDurability.Normal, 0, checkpointsElsewhere: true));
        Execute(writer, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows}) INSERT INTO Pages (Body) SELECT zeroblob(4000) FROM n;");
        return writer;
    }

    private static void FillTheLogPastARestart(SqliteConnection writer)
    {
        for (var commit = 0; SqliteCheckpoints.RestartPages > commit * Rows; commit++)
        {
            RewriteEveryRow(writer, commit);
        }
    }

    private static void RewriteEveryRow(SqliteConnection writer, int commit) =>
        Execute(writer, $"UPDATE Pages SET Body = zeroblob(4000 - {commit % 2});");

    /// <summary>The pages the log's file has room for: its length, which only grows until the log starts again and is cut back.</summary>
    private long LogPages(SqliteConnection connection) => new FileInfo(File + "-wal").Length / (24 + PageSize(connection));

    private long CountRows()
    {
        using var connection = Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM Pages";
        return (long)count.ExecuteScalar()!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCheckpoints Checkpoints(string file) => new(Options(file), new SqliteWriteGate(), NullLogger<SqliteCheckpoints>.Instance, TimeProvider.System);

    private static IOptions<ClawDatabaseOptions> Options(string file) =>
        Microsoft.Extensions.Options.Options.Create(new ClawDatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" });

    private static long PageSize(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }

    private static async Task<long> AutocheckpointPagesAsync(ClawDbContext context)
    {
        await context.Database.OpenConnectionAsync();
        await using var read = context.Database.GetDbConnection().CreateCommand();
        // Not a table-valued pragma (setting it is a side effect), so read as a statement of its own.
        read.CommandText = "PRAGMA wal_autocheckpoint";
        return Convert.ToInt64(await read.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Counts the rounds that failed, as the service logs them.</summary>
    private sealed class RoundLog : ILogger<SqliteCheckpoints>
    {
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null)
            {
                Interlocked.Increment(ref _failures);
            }
        }
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(10); waited += TimeSpan.FromMilliseconds(50))
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }

    private IHost Host(string connectionString) => SqliteDataHost.Build(_directory, connectionString);
}
