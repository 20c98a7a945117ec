using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Data.Tests;

[Collection(SqlitePoolsCollection.Name)]
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly SqliteConnectionSettings _settings = new(SqliteDurability.Normal);
    private readonly SqliteWriteGate _gate;

    /// <summary>With the gate as the app registers it: a writer whose connection is given back and opened again runs on kept statements.</summary>
    private readonly SqliteKeptStatements _kept = new(ClawDatabaseOptions.DefaultSqliteStatementsKept);
    private readonly HashSet<string> _pools = [];
    private TestDatabase _database = null!;
    private SampleGraph _graph = null!;

    public SqliteWriteGateTests() => _gate = new SqliteWriteGate(_settings);

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        _graph = SampleGraph.Create();
        await using var setup = _database.NewContext();
        setup.Users.Add(_graph.User);
        setup.Groups.Add(_graph.Group);
        setup.WorkItems.Add(_graph.Design);
        await setup.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        _kept.Dispose();
        foreach (var pool in _pools)
        {
            SqliteConnection.ClearPool(new SqliteConnection(pool));
        }

        _database.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("INSERT INTO \"Groups\" VALUES (1)", true)]
    [InlineData("  update \"Agents\" SET \"Status\" = 1", true)]
    [InlineData("-- tagged by EF\nDELETE FROM \"Trail\"", true)]
    [InlineData("CREATE INDEX ix ON t (c)", true)]
    [InlineData("SELECT * FROM \"Groups\"", false)]
    [InlineData("-- INSERT in a comment\nSELECT 1", false)]
    [InlineData("PRAGMA journal_mode=WAL;", false)]
    [InlineData("UPDATED_AT", false)]
    public void A_command_writes_when_its_first_statement_does(string sql, bool writes) =>
        Assert.Equal(writes, SqliteWriteGate.Writes(sql));

    [Fact]
    public async Task A_writer_waits_for_the_transaction_before_it_however_long_instead_of_failing_at_the_busy_timeout()
    {
        // A one-second busy timeout: without the gate, SQLite gives the second writer "database is locked" after a second.
        await using var first = Context(busyTimeoutSeconds: 1);
        await using var second = Context(busyTimeoutSeconds: 1);
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "first"));

        var waiting = second.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "second"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(waiting.IsCompleted);
        await transaction.CommitAsync();

        Assert.Equal(1, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        await using var reader = Context();
        Assert.Equal("second", (await reader.Groups.SingleAsync(g => g.Id == _graph.Group.Id)).Name);
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_lets_the_next_writer_in()
    {
        await using (var abandoned = Context())
        {
            await using var transaction = await abandoned.Database.BeginTransactionAsync();
            await abandoned.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "never committed"));
        }

        await using var next = Context();
        var written = await next.Groups.Where(g => g.Id == _graph.Group.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "next"))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, written);
        Assert.Equal("next", (await next.Groups.AsNoTracking().SingleAsync(g => g.Id == _graph.Group.Id)).Name);
    }

    [Fact]
    public async Task A_pooled_context_handed_back_with_its_transaction_open_lets_the_next_lease_write()
    {
        // The app pools its contexts: the next request gets the same context and connection. Here the transaction is never
        // disposed, only the lease: the gate must be let go when the pool resets the context, or every write after it waits.
        var pool = PooledContexts(poolSize: 1);
        ClawDbContext first;
        await using (first = pool.CreateDbContext())
        {
            _ = await first.Database.BeginTransactionAsync();
            await first.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "never committed"));
        }

        await using var next = pool.CreateDbContext();
        Assert.Same(first, next);
        var written = await next.Groups.Where(g => g.Id == _graph.Group.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "next"))
            .WaitAsync(TimeSpan.FromSeconds(10));
        await using var other = Context();
        await other.WorkItems.Where(w => w.Id == _graph.Design.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Priority, 3))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, written);
        Assert.Equal("next", (await other.Groups.AsNoTracking().SingleAsync(g => g.Id == _graph.Group.Id)).Name);
    }

    [Fact]
    public async Task A_write_marked_ahead_lands_before_the_writers_queued_before_it()
    {
        await using var first = Context();
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "first"));
        var ordinary = Enumerable.Range(0, 6).Select(SaveAnEventAsync).ToList();
        await WaitUntilAsync(() => _gate.WritersWaiting == ordinary.Count);
        Task ahead;
        using (WritePriority.Ahead())
        {
            ahead = SaveAnEventAsync(writer: 99);
        }

        await WaitUntilAsync(() => _gate.WritersWaiting == ordinary.Count + 1);
        await transaction.CommitAsync();
        await Task.WhenAll([.. ordinary, ahead]).WaitAsync(TimeSpan.FromSeconds(30));

        // The database numbers events as they are written.
        await using var reader = Context();
        var written = await reader.TrailEvents.AsNoTracking().Where(e => e.Type == "test.waited").OrderBy(e => e.Id).Select(e => e.DataJson).ToListAsync();
        Assert.Equal(7, written.Count);
        Assert.Equal("""{"writer":99}""", written[0]);
    }

    [Fact]
    public async Task Reads_do_not_wait_for_a_writer()
    {
        await using var writer = Context();
        await using var transaction = await writer.Database.BeginTransactionAsync();
        await writer.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "writing"));

        await using var reader = Context();
        var seen = await reader.Groups.AsNoTracking().SingleAsync(g => g.Id == _graph.Group.Id).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(_graph.Group.Name, seen.Name);
    }

    [Fact]
    public async Task Many_writers_at_once_all_land()
    {
        var writers = Enumerable.Range(0, 40).Select(async i =>
        {
            await using var context = Context(busyTimeoutSeconds: 1);
            await using var transaction = await context.Database.BeginTransactionAsync();
            var item = await context.WorkItems.SingleAsync(w => w.Id == _graph.Design.Id);
            await Task.Yield();
            await context.WorkItems.Where(w => w.Id == item.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Priority, w => w.Priority + 1));
            await transaction.CommitAsync();
        });

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        await using var reader = Context();
        Assert.Equal(_graph.Design.Priority + 40, (await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == _graph.Design.Id)).Priority);
    }

    [Fact]
    public async Task Writers_waiting_for_the_gate_hold_no_connection_so_the_pool_stays_as_small_as_what_runs()
    {
        const int writers = 60;
        await using var first = Context();
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "first"));

        // Each way a request writes: one statement, a transaction, and a save (an INSERT … RETURNING, read to its end).
        var waiting = Enumerable.Range(0, writers).Select(i => (i % 3) switch
        {
            0 => WriteOneStatementAsync(),
            1 => WriteInATransactionAsync(),
            _ => SaveAnEventAsync(i),
        }).ToList();
        await WaitUntilAsync(() => _gate.WritersWaiting == writers);
        var openWhileWaiting = OpenHandlesOn(DatabaseFile);
        await transaction.CommitAsync();
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(60));

        // One connection per waiting writer before: 61 here. Now the first writer's, and the one each waiting writer borrowed
        // from the pool and gave back before the next one opened. The pool keeps what it opened: its size is the peak, which
        // on a loaded machine can be one more (a writer whose turn came while the last one's connection was still on its way
        // back to the pool, or one counted waiting before it gave its connection back: 4 once in a full run of this suite).
        Assert.InRange(openWhileWaiting, 1, 4);
        Assert.InRange(OpenHandlesOn(DatabaseFile), 1, 4);
        await using var reader = Context();
        Assert.Equal(_graph.Design.Priority + (2 * writers / 3), (await reader.WorkItems.AsNoTracking().SingleAsync(w => w.Id == _graph.Design.Id)).Priority);
        Assert.Equal(writers / 3, await reader.TrailEvents.CountAsync(e => e.Type == "test.waited"));
    }

    [Fact]
    public async Task A_writer_given_a_new_connection_after_its_wait_has_the_configured_settings_on_it()
    {
        await using var first = Context();
        await using var transaction = await first.Database.BeginTransactionAsync();
        await first.Groups.Where(g => g.Id == _graph.Group.Id).ExecuteUpdateAsync(set => set.SetProperty(g => g.Name, "first"));
        await using var second = Context();
        var waiting = second.Database.BeginTransactionAsync();
        await WaitUntilAsync(() => _gate.WritersWaiting == 1);

        // The connection the writer gave back is closed for good: its turn must open a new one.
        SqliteConnection.ClearPool(new SqliteConnection(PooledConnectionString));
        await transaction.CommitAsync();
        await using var secondTransaction = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1L, await PragmaAsync(second, "synchronous")); // NORMAL, as configured; SQLite's own default is FULL (2)
        Assert.Equal(1L, await PragmaAsync(second, "foreign_keys"));
        await second.WorkItems.Where(w => w.Id == _graph.Design.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Priority, 7));
        await secondTransaction.CommitAsync();
    }

    [Fact]
    public async Task A_writer_whose_connection_has_a_reader_open_waits_without_losing_the_reader()
    {
        // The first writer holds the gate but changes nothing: a write after a change would find the reader's snapshot stale
        // (SQLITE_BUSY_SNAPSHOT), with or without the gate.
        await using var first = Context();
        await using var transaction = await first.Database.BeginTransactionAsync();

        await using var second = Context();
        await using var groups = second.Groups.AsNoTracking().Select(g => g.Name).AsAsyncEnumerable().GetAsyncEnumerator();
        Assert.True(await groups.MoveNextAsync());
        var waiting = second.WorkItems.Where(w => w.Id == _graph.Design.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Priority, 9));
        await WaitUntilAsync(() => _gate.WritersWaiting == 1);
        await transaction.CommitAsync();

        Assert.Equal(1, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await groups.MoveNextAsync()); // the one group was read; the reader ends normally instead of failing
    }

    private string DatabaseFile => Path.GetFullPath(new SqliteConnectionStringBuilder(_database.ConnectionString).DataSource);

    private async Task WriteOneStatementAsync()
    {
        await using var context = Context();
        await context.WorkItems.Where(w => w.Id == _graph.Design.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Priority, w => w.Priority + 1));
    }

    private async Task WriteInATransactionAsync()
    {
        await using var context = Context();
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.WorkItems.Where(w => w.Id == _graph.Design.Id).ExecuteUpdateAsync(set => set.SetProperty(w => w.Priority, w => w.Priority + 1));
        await transaction.CommitAsync();
    }

    private async Task SaveAnEventAsync(int writer)
    {
        await using var context = Context();
        context.TrailEvents.Add(new TrailEvent
        {
            GroupId = _graph.Group.Id, WorkItemId = _graph.Design.Id, At = SampleGraph.Now, ActorKind = MemberKind.Coordinator,
            Type = "test.waited", DataJson = $$"""{"writer":{{writer}}}""",
        });
        await context.SaveChangesAsync();
    }

    private static async Task<long> PragmaAsync(ClawDbContext context, string pragma)
    {
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SQLite handles this process has open on <paramref name="file"/>: each holds one descriptor of it, pooled or in use.</summary>
    private static int OpenHandlesOn(string file) => Directory.GetFiles("/proc/self/fd").Count(descriptor =>
    {
        try
        {
            return new FileInfo(descriptor).LinkTarget == file;
        }
        catch (IOException)
        {
            return false; // closed between the listing and the look
        }
    });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>Pooled, as the app's connections are (the test database turns pooling off): the pool's size is what is measured.</summary>
    private string PooledConnectionString => new SqliteConnectionStringBuilder(_database.ConnectionString) { Pooling = true }.ToString();

    private PooledDbContextFactory<ClawDbContext> PooledContexts(int poolSize) => new(ContextOptions(busyTimeoutSeconds: null), poolSize);

    private ClawDbContext Context(int? busyTimeoutSeconds = null) => new(ContextOptions(busyTimeoutSeconds));

    private DbContextOptions<ClawDbContext> ContextOptions(int? busyTimeoutSeconds)
    {
        var connection = new SqliteConnectionStringBuilder(PooledConnectionString);
        if (busyTimeoutSeconds is { } seconds)
        {
            connection.DefaultTimeout = seconds;
        }

        _pools.Add(connection.ToString());
        var options = new DbContextOptionsBuilder<ClawDbContext>();
        options.UseClawDatabase(DatabaseProvider.Sqlite, connection.ToString()).AddInterceptors(_gate, _settings, _kept);
        return options.Options;
    }
}
