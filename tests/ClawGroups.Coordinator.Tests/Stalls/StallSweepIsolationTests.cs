using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Stalls;

/// <summary>One group's broken data costs that group its sweep, nobody else's; a restart does not cost live agents their work.</summary>
public sealed class StallSweepIsolationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_group_whose_data_cannot_be_read_is_skipped_and_another_groups_silent_agent_still_loses_its_work(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (poisonedAgent, poisonedItem) = await SilentAgents.SeedAsync(database, "poisoned");
        var (healthyAgent, healthyItem) = await SilentAgents.SeedAsync(database, "healthy");
        await PoisonAsync(database, poisonedItem);
        var bulkheads = new Bulkheads(TimeProvider.System, NullLogger<Bulkheads>.Instance);

        await using (var context = database.NewContext())
        {
            await SilentAgents.Sweep(context, bulkheads).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        Assert.Equal(AgentStatus.Stalled, (await reader.Agents.SingleAsync(a => a.Id == healthyAgent)).Status);
        Assert.Equal(WorkItemState.Stalled, await reader.WorkItems.Where(w => w.Id == healthyItem).Select(w => w.State).SingleAsync());
        Assert.Equal(AgentStatus.Busy, (await reader.Agents.SingleAsync(a => a.Id == poisonedAgent)).Status);
    }

    [Fact]
    public async Task Work_that_keeps_failing_makes_health_degraded_and_names_the_group()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (_, poisonedItem) = await SilentAgents.SeedAsync(database, "poisoned");
        await PoisonAsync(database, poisonedItem);
        var groupId = await GroupOfAsync(database, poisonedItem);
        var bulkheads = new Bulkheads(TimeProvider.System, NullLogger<Bulkheads>.Instance);
        var health = new BulkheadHealthCheck(bulkheads);

        var before = await health.CheckHealthAsync(new HealthCheckContext());
        for (var sweep = 0; sweep < Bulkheads.FailingAfter; sweep++)
        {
            await using var context = database.NewContext();
            await SilentAgents.Sweep(context, bulkheads).RunAsync(CancellationToken.None);
        }

        var after = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, before.Status);
        Assert.Equal(HealthStatus.Degraded, after.Status);
        Assert.Contains(groupId.ToString(), after.Description, StringComparison.Ordinal);
        Assert.Contains(StallSweep.WorkName, after.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Right_after_a_restart_an_agent_silent_while_the_app_was_down_keeps_its_work()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (agentId, itemId) = await SilentAgents.SeedAsync(database);

        await using (var context = database.NewContext())
        {
            await SilentAgents.Sweep(context, startedAt: DateTimeOffset.UtcNow.AddSeconds(-2)).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        Assert.Equal(AgentStatus.Busy, (await reader.Agents.SingleAsync(a => a.Id == agentId)).Status);
        Assert.Equal(WorkItemState.InProgress, await reader.WorkItems.Where(w => w.Id == itemId).Select(w => w.State).SingleAsync());
    }

    [Fact]
    public async Task One_heartbeat_timeout_after_the_restart_the_still_silent_agent_loses_its_work()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (agentId, itemId) = await SilentAgents.SeedAsync(database);
        var timeout = TimeSpan.FromSeconds(new Hosting.CoordinatorOptions().HeartbeatTimeoutSeconds);

        await using (var context = database.NewContext())
        {
            await SilentAgents.Sweep(context, startedAt: DateTimeOffset.UtcNow - timeout - TimeSpan.FromSeconds(1)).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        Assert.Equal(AgentStatus.Stalled, (await reader.Agents.SingleAsync(a => a.Id == agentId)).Status);
        Assert.Equal(WorkItemState.Stalled, await reader.WorkItems.Where(w => w.Id == itemId).Select(w => w.State).SingleAsync());
    }

    /// <summary>
    /// A stored value no reader can map, so that loading the item throws: on PostgreSQL a cost beyond decimal's range
    /// (what an unchecked report once wrote), on SQLite a timestamp beyond DateTimeOffset's.
    /// </summary>
    private static async Task PoisonAsync(TestDatabase database, Guid itemId)
    {
        await using var context = database.NewContext();
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await context.Database.ExecuteSqlAsync($"""UPDATE "WorkItems" SET "Usage_CostUsd" = 1e30 WHERE "Id" = {itemId}""");
        }
        else
        {
            await context.Database.ExecuteSqlAsync($"""UPDATE "WorkItems" SET "StateChangedAt" = {long.MaxValue} WHERE "Id" = {itemId}""");
        }

        await using var reader = database.NewContext();
        await Assert.ThrowsAnyAsync<Exception>(() => reader.WorkItems.SingleAsync(w => w.Id == itemId));
    }

    private static async Task<Guid> GroupOfAsync(TestDatabase database, Guid itemId)
    {
        await using var context = database.NewContext();
        return await context.WorkItems.Where(w => w.Id == itemId).Select(w => w.GroupId).SingleAsync();
    }
}
