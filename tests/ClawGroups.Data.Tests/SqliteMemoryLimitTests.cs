using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Tests;

[Collection(SqlitePoolsCollection.Name)]
public sealed class SqliteMemoryLimitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("claw-sqlite-memory-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_connection_the_contexts_open_bounds_SQLites_memory_as_configured()
    {
        // The soft heap limit is the process's: the test sets the default, as every other host in this process does.
        using var host = Host(limit: null);
        await using var context = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext();

        await context.Database.OpenConnectionAsync();
        await using var read = context.Database.GetDbConnection().CreateCommand();
        read.CommandText = "PRAGMA soft_heap_limit";

        Assert.Equal(ClawDatabaseOptions.DefaultSqliteMemoryLimitMegabytes * 1024L * 1024L, Convert.ToInt64(await read.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Zero_sets_no_limit()
    {
        Assert.Equal("PRAGMA synchronous=NORMAL;", SqliteConnectionSettings.Pragmas(SqliteDurability.Normal, 0));
        Assert.Equal("PRAGMA synchronous=FULL; PRAGMA soft_heap_limit=1048576;", SqliteConnectionSettings.Pragmas(SqliteDurability.Full, 1));
    }

    [Fact]
    public void A_negative_limit_is_refused_at_start_up()
    {
        using var host = Host(limit: "-1");

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value);
        Assert.Contains("SqliteMemoryLimitMegabytes", failure.Message, StringComparison.Ordinal);
    }

    private IHost Host(string? limit) => SqliteDataHost.Build(_directory, ("Database:SqliteMemoryLimitMegabytes", limit));
}
