using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Agents;

/// <summary>
/// The signs of life that progress reports gave are written together, each agent's last heartbeat moved forward to its
/// latest report and never back; signs that could not be written are kept for the next write.
/// </summary>
public sealed class SignsOfLifeWriterTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Each_agents_heartbeat_moves_forward_to_its_latest_report_and_never_back(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var (silent, behind, ahead) = (await group.AddAgentAsync("silent"), await group.AddAgentAsync("behind"), await group.AddAgentAsync("ahead"));
        var reported = DateTimeOffset.UtcNow.AddMinutes(1);
        await using (var context = database.NewContext())
        {
            await context.Agents.Where(a => a.Id == silent.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.LastHeartbeatAt, (DateTimeOffset?)null));
            // A heartbeat stored after the report was made, before the report's sign is written.
            await context.Agents.Where(a => a.Id == ahead.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.LastHeartbeatAt, reported.AddSeconds(1)));
        }

        var signs = new SignsOfLife();
        foreach (var agent in new[] { silent, behind, ahead })
        {
            signs.Report(agent.Id, reported.AddSeconds(-2));
            signs.Report(agent.Id, reported);
        }

        // Agents removed meanwhile are nothing to write; so many signs take several statements on SQLite, in one transaction.
        for (var i = 0; i < 120; i++)
        {
            signs.Report(Guid.NewGuid(), reported);
        }

        await Writer(signs, database).WriteAsync(CancellationToken.None);

        await using var reader = database.NewContext();
        var stored = await reader.Agents.AsNoTracking().ToDictionaryAsync(a => a.Id, a => (a.LastHeartbeatAt, a.Version));
        Assert.Equal(Millis(reported), Millis(stored[silent.Id].LastHeartbeatAt));
        Assert.Equal(Millis(reported), Millis(stored[behind.Id].LastHeartbeatAt));
        Assert.Equal(Millis(reported.AddSeconds(1)), Millis(stored[ahead.Id].LastHeartbeatAt));
        // Not an edit: no version moved, so no concurrent change of the agent fails over it.
        Assert.All(new[] { silent, behind, ahead }, agent => Assert.Equal(agent.Version, stored[agent.Id].Version));
        Assert.False(signs.AnyReported);
    }

    [Fact]
    public async Task Signs_that_could_not_be_written_are_kept_for_the_next_write()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("reporting");
        var reported = DateTimeOffset.UtcNow.AddMinutes(1);
        var signs = new SignsOfLife();
        signs.Report(agent.Id, reported);

        await Assert.ThrowsAsync<InvalidOperationException>(() => new SignsOfLifeWriter(signs, new FailingContexts(), NullLogger<SignsOfLifeWriter>.Instance)
            .WriteAsync(CancellationToken.None));
        Assert.True(signs.AnyReported);

        await Writer(signs, database).WriteAsync(CancellationToken.None);
        await using var reader = database.NewContext();
        Assert.Equal(Millis(reported), Millis(await reader.Agents.Where(a => a.Id == agent.Id).Select(a => a.LastHeartbeatAt).SingleAsync()));
    }

    private static SignsOfLifeWriter Writer(SignsOfLife signs, TestDatabase database)
        => new(signs, new DatabaseContexts(database), NullLogger<SignsOfLifeWriter>.Instance);

    private static long? Millis(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    private sealed class DatabaseContexts(TestDatabase database) : IDbContextFactory<ClawDbContext>
    {
        public ClawDbContext CreateDbContext() => database.NewContext();
    }

    private sealed class FailingContexts : IDbContextFactory<ClawDbContext>
    {
        public ClawDbContext CreateDbContext() => throw new InvalidOperationException("The database is away.");
    }
}
