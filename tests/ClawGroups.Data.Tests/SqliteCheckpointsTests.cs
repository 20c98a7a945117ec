using ClawGroups.Data.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Tests;

public sealed class SqliteCheckpointsTests : IDisposable
{
    /// <summary>Over SQLite's default of 1,000 pages in the log, the point where a commit checkpoints when left to itself.</summary>
    private const int PagesWritten = 1_500;

    private readonly string _directory = Directory.CreateTempSubdirectory("claw-checkpoints-").FullName;

    private string File => Path.Combine(_directory, "claw.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_contexts_connections_leave_checkpoints_to_the_background_service()
    {
        using var host = Host();
        await using var context = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext();

        await context.Database.OpenConnectionAsync();
        await using var read = context.Database.GetDbConnection().CreateCommand();
        // Not a table-valued pragma (setting it is a side effect), so read as a statement of its own.
        read.CommandText = "PRAGMA wal_autocheckpoint";
        var pages = Convert.ToInt64(await read.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(0, pages);
        Assert.Contains(host.Services.GetServices<IHostedService>(), service => service is SqliteCheckpoints);
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
        Assert.EndsWith("PRAGMA wal_autocheckpoint=0;", SqliteConnectionSettings.Pragmas(SqliteDurability.Normal, 64, checkpointsElsewhere: true), StringComparison.Ordinal);
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
    public async Task Where_there_is_no_file_it_makes_none()
    {
        using var checkpoints = Checkpoints(File);

        await checkpoints.StartAsync(CancellationToken.None);
        await Task.Delay(SqliteCheckpoints.Interval * 3);
        await checkpoints.StopAsync(CancellationToken.None);

        Assert.False(System.IO.File.Exists(File));
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

    private static SqliteCheckpoints Checkpoints(string file) => new(
        Options.Create(new ClawDatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" }),
        NullLogger<SqliteCheckpoints>.Instance);

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

    private IHost Host()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:ClawGroups"] = $"Data Source={File}",
        });
        builder.AddClawData();
        return builder.Build();
    }
}
