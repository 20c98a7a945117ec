using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Tests;

public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly SqliteWriteGate _gate = new();
    private TestDatabase _database = null!;
    private SampleGraph _graph = null!;

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

    private ClawDbContext Context(int? busyTimeoutSeconds = null)
    {
        var connection = new SqliteConnectionStringBuilder(_database.ConnectionString);
        if (busyTimeoutSeconds is { } seconds)
        {
            connection.DefaultTimeout = seconds;
        }

        var options = new DbContextOptionsBuilder<ClawDbContext>();
        options.UseClawDatabase(DatabaseProvider.Sqlite, connection.ToString()).AddInterceptors(_gate);
        return new ClawDbContext(options.Options);
    }
}
