using System.Data.Common;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Coordinator.Tests.Stalls;

/// <summary>
/// The sweep judges a group's running work before it writes: with nothing stalled it begins no transaction (on the
/// embedded default one would hold the only write turn while it read), and what it finds stalled among healthy work it
/// still moves on.
/// </summary>
public sealed class StallSuspectsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_sweep_of_healthy_work_with_estimates_begins_no_transaction(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var scene = await SeedAsync(database, ("on time", Accepted: TimeSpan.FromMinutes(1), ExpectedSeconds: 3600));
        var transactions = new TransactionCount();

        await using (var context = new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(transactions).Options))
        {
            Assert.Equal(0, await SilentAgents.Sweep(context).RunAsync(CancellationToken.None));
        }

        Assert.Equal(0, transactions.Started);
        await using var reader = database.NewContext();
        Assert.Null((await reader.Assignments.SingleAsync(a => a.WorkItemId == scene["on time"])).PingedAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Of_many_running_items_only_the_one_far_past_its_estimate_is_pinged(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        // The default overrun factor is 4: two hours against a minute's estimate is far past it, two minutes is not.
        var scene = await SeedAsync(database,
            ("overdue", Accepted: TimeSpan.FromHours(2), ExpectedSeconds: 60),
            ("on time", Accepted: TimeSpan.FromMinutes(2), ExpectedSeconds: 60),
            ("no estimate", Accepted: TimeSpan.FromHours(2), ExpectedSeconds: null));

        await using (var context = database.NewContext())
        {
            await SilentAgents.Sweep(context).RunAsync(CancellationToken.None);
        }

        await using var reader = database.NewContext();
        var pinged = await reader.Assignments.Where(a => a.PingedAt != null).Select(a => a.WorkItemId).ToListAsync();
        Assert.Equal([scene["overdue"]], pinged);
    }

    /// <summary>
    /// A group with one agent that heartbeats now and works on each item, reporting progress now: only an estimate can
    /// make such work look stalled.
    /// </summary>
    private static async Task<Dictionary<string, Guid>> SeedAsync(
        TestDatabase database, params (string Title, TimeSpan Accepted, double? ExpectedSeconds)[] items)
    {
        var now = DateTimeOffset.UtcNow;
        var group = new Group { Id = Guid.CreateVersion7(), Name = "estimates", CreatedAt = now.AddHours(-3) };
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = group.Id, Name = "steady", Capacity = items.Length, Status = AgentStatus.Busy,
            RegisteredAt = now.AddHours(-3), LastHeartbeatAt = now, ApiKeyHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            ApiKeyPrefix = "cg_agent_x",
        };
        await using var context = database.NewContext();
        context.AddRange(group, agent);
        var ids = new Dictionary<string, Guid>();
        foreach (var (title, accepted, expected) in items)
        {
            var item = new WorkItem
            {
                Id = Guid.CreateVersion7(), GroupId = group.Id, Title = title, State = WorkItemState.InProgress, StateChangedAt = now - accepted,
                CreatedAt = now - accepted, UpdatedAt = now, CreatedByKind = MemberKind.Human, AssigneeKind = MemberKind.Agent, AssigneeAgentId = agent.Id,
                Attempts = 1, ExpectedDurationSeconds = expected, ProgressAt = now,
            };
            var attempt = new Assignment
            {
                Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.Id, MemberKind = MemberKind.Agent, AgentId = agent.Id, Attempt = 1,
                Score = 1, Reason = "test", OfferedAt = now - accepted, AcceptedAt = now - accepted, LastProgressAt = now, Outcome = AssignmentOutcome.Active,
            };
            item.CurrentAssignmentId = attempt.Id;
            context.AddRange(item, attempt);
            ids[title] = item.Id;
        }

        await context.SaveChangesAsync();
        return ids;
    }

    private sealed class TransactionCount : DbTransactionInterceptor
    {
        public int Started { get; private set; }

        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            Started++;
            return result;
        }

        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            Started++;
            return ValueTask.FromResult(result);
        }
    }
}
