using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClawGroups.Data.Tests;

[Collection(SqlitePoolsCollection.Name)]
public sealed class SqliteDurabilityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("claw-durability-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(null, 1)] // NORMAL
    [InlineData("Normal", 1)]
    [InlineData("Full", 2)]
    public async Task Every_connection_the_contexts_open_holds_commits_as_configured(string? durability, long synchronous)
    {
        using var host = Host(durability);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>();

        // Twice: the second context gets the first one's pooled connection back, and the setting must still be on it.
        for (var round = 0; round < 2; round++)
        {
            await using var context = contexts.CreateDbContext();
            Assert.Equal(synchronous, await context.Database.SqlQueryRaw<long>("SELECT synchronous AS \"Value\" FROM pragma_synchronous").SingleAsync());
        }
    }

    [Fact]
    public void An_unknown_durability_is_refused_at_start_up()
    {
        var failure = Record.Exception(() => Host("Fast").Services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext());
        Assert.NotNull(failure);
    }

    private IHost Host(string? durability) => SqliteDataHost.Build(_directory, ("Database:SqliteDurability", durability));
}
