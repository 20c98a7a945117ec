using ClawGroups.Data.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClawGroups.Data.Tests;

/// <summary>The app's contexts make their SQLite connections without EF Core's functions, and lose nothing by it.</summary>
public sealed class SqliteConnectionCreationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("claw-sqlite-connections-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_connection_the_contexts_open_has_none_of_EF_Cores_functions_to_register_on_each_open()
    {
        using var host = Host();
        await using var context = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext();
        await context.Database.OpenConnectionAsync();

        foreach (var call in new[] { "regexp('a', 'a')", "ef_add(1, 2)", "ef_compare(1, 2)" })
        {
            await using var command = context.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT {call}";
            var failure = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteScalarAsync());
            Assert.Contains("no such function", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Costs_are_still_compared_and_summed_in_SQL_on_such_a_connection()
    {
        using var host = Host();
        await host.Services.GetRequiredService<ClawDatabaseMigrator>().MigrateAsync(CancellationToken.None);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>();
        var graph = SampleGraph.Create();
        await using (var context = contexts.CreateDbContext())
        {
            context.Users.Add(graph.User);
            context.Groups.Add(graph.Group);
            context.Agents.Add(graph.Agent);
            context.WorkItems.AddRange(graph.Design, graph.Build);
            await context.SaveChangesAsync();
        }

        await using var reader = contexts.CreateDbContext();
        // The items cost 1.5 each and the attempt 0.0425: the comparison keeps the items, the sums add in SQL.
        Assert.Equal(3.0m, await reader.WorkItems.Where(w => w.UsageCostUsd > 1m).SumAsync(w => w.UsageCostUsd));
        Assert.Equal(0.0425m, await reader.Assignments.Where(a => a.UsageCostUsd < 1m).SumAsync(a => a.UsageCostUsd));
    }

    private IHost Host() => SqliteDataHost.Build(_directory);
}
