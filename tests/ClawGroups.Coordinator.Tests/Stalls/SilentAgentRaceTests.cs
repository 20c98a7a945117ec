using System.Data.Common;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Stalls;

/// <summary>A heartbeat that lands while the stall sweep is deciding must win: a live agent keeps its work.</summary>
public sealed class SilentAgentRaceTests
{
    // PostgreSQL only: on SQLite the sweep's transaction holds the one write lock, so a heartbeat simply waits for it.
    [Fact]
    public async Task A_heartbeat_arriving_after_the_sweep_read_the_agent_keeps_the_agent_and_its_work()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var (agentId, itemId) = await SilentAgents.SeedAsync(database);
        var heartbeat = new HeartbeatAfterSuspectsAreRead(database, agentId);

        await using (var context = new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(heartbeat).Options))
        {
            await SilentAgents.Sweep(context).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        Assert.True(heartbeat.Fired, "the heartbeat was sent between the sweep's read and its write");
        Assert.Equal(AgentStatus.Busy, (await reader.Agents.SingleAsync(a => a.Id == agentId)).Status);
        var item = await reader.WorkItems.SingleAsync(w => w.Id == itemId);
        Assert.Equal(WorkItemState.InProgress, item.State);
        Assert.Equal(agentId, item.AssigneeAgentId);
        Assert.False(await reader.TrailEvents.AnyAsync(e => e.Type == "agent.stalled"));
    }

    [Fact]
    public async Task Without_a_heartbeat_the_silent_agent_loses_its_work()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (agentId, itemId) = await SilentAgents.SeedAsync(database);

        await using (var context = database.NewContext())
        {
            await SilentAgents.Sweep(context).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        Assert.Equal(AgentStatus.Stalled, (await reader.Agents.SingleAsync(a => a.Id == agentId)).Status);
        Assert.Equal(WorkItemState.Stalled, (await reader.WorkItems.SingleAsync(w => w.Id == itemId)).State);
    }

    [Fact]
    public async Task A_pass_that_read_the_agent_before_the_sweep_cannot_write_it_back_online()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (agentId, _) = await SilentAgents.SeedAsync(database);
        await using var pass = database.NewContext();
        var seen = await pass.Agents.SingleAsync(a => a.Id == agentId);

        await using (var context = database.NewContext())
        {
            await SilentAgents.Sweep(context).RunAsync(CancellationToken.None);
        }

        // As AssignmentPass.ClaimCapacity claims an agent's capacity: its status as read, checked against its version.
        pass.Entry(seen).Property(a => a.Status).IsModified = true;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => pass.SaveChangesAsync());
        await using var reader = database.NewContext();
        Assert.Equal(AgentStatus.Stalled, (await reader.Agents.SingleAsync(a => a.Id == agentId)).Status);
    }

    /// <summary>Sends the agent's heartbeat (as the API does, set-based) right after the sweep has read its suspects.</summary>
    private sealed class HeartbeatAfterSuspectsAreRead(TestDatabase database, Guid agentId) : DbCommandInterceptor
    {
        public bool Fired { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            // The read of whole agent rows (the sweep first reads only the ids of groups with suspects).
            if (!Fired && command.CommandText.Contains("LastHeartbeatAt", StringComparison.Ordinal) && command.CommandText.Contains("ApiKeyHash", StringComparison.Ordinal))
            {
                Fired = true;
                await using var other = database.NewContext();
                var now = DateTimeOffset.UtcNow;
                await other.Agents.Where(a => a.Id == agentId).ExecuteUpdateAsync(set => set.SetProperty(a => a.LastHeartbeatAt, now), cancellationToken);
            }

            return result;
        }
    }
}
