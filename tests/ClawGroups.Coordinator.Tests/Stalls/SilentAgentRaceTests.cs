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
        var (agentId, itemId) = await SeedSilentAgentWithWorkAsync(database);
        var heartbeat = new HeartbeatAfterSuspectsAreRead(database, agentId);

        await using (var context = new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(heartbeat).Options))
        {
            await Sweep(context).RunAsync(CancellationToken.None);
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
        var (agentId, itemId) = await SeedSilentAgentWithWorkAsync(database);

        await using (var context = database.NewContext())
        {
            await Sweep(context).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        Assert.Equal(AgentStatus.Stalled, (await reader.Agents.SingleAsync(a => a.Id == agentId)).Status);
        Assert.Equal(WorkItemState.Stalled, (await reader.WorkItems.SingleAsync(w => w.Id == itemId)).State);
    }

    private static StallSweep Sweep(ClawDbContext context)
    {
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions());
        return new StallSweep(context, new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance), options, TimeProvider.System,
            NullLogger<StallSweep>.Instance);
    }

    private static async Task<(Guid AgentId, Guid ItemId)> SeedSilentAgentWithWorkAsync(TestDatabase database)
    {
        var now = DateTimeOffset.UtcNow;
        var longAgo = now.AddMinutes(-30);
        var group = new Group { Id = Guid.CreateVersion7(), Name = "race", CreatedAt = now };
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = group.Id, Name = "quiet", Capacity = 1, Status = AgentStatus.Busy,
            RegisteredAt = longAgo, LastHeartbeatAt = longAgo, ApiKeyHash = new string('a', 64), ApiKeyPrefix = "cg_agent_x",
        };
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(), GroupId = group.Id, Title = "Long job", State = WorkItemState.InProgress, StateChangedAt = longAgo,
            CreatedAt = longAgo, UpdatedAt = longAgo, CreatedByKind = MemberKind.Human, AssigneeKind = MemberKind.Agent, AssigneeAgentId = agent.Id,
            Attempts = 1,
        };
        var attempt = new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.Id, MemberKind = MemberKind.Agent, AgentId = agent.Id, Attempt = 1,
            Score = 1, Reason = "test", OfferedAt = longAgo, AcceptedAt = longAgo, LastProgressAt = now, Outcome = AssignmentOutcome.Active,
        };
        item.CurrentAssignmentId = attempt.Id;
        await using var context = database.NewContext();
        context.AddRange(group, agent, item, attempt);
        await context.SaveChangesAsync();
        return (agent.Id, item.Id);
    }

    /// <summary>Sends the agent's heartbeat (as the API does, set-based) right after the sweep has read its suspects.</summary>
    private sealed class HeartbeatAfterSuspectsAreRead(TestDatabase database, Guid agentId) : DbCommandInterceptor
    {
        public bool Fired { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (!Fired && command.CommandText.Contains("LastHeartbeatAt", StringComparison.Ordinal) && command.CommandText.Contains("Status", StringComparison.Ordinal))
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
