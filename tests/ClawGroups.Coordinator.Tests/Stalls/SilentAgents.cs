using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Stalls;

/// <summary>A group whose agent fell silent half an hour ago while holding work, and the sweep that should notice.</summary>
internal static class SilentAgents
{
    /// <summary>The stall sweep as the app builds it; by default the process started long before the silence.</summary>
    public static StallSweep Sweep(ClawDbContext context, Bulkheads? bulkheads = null, DateTimeOffset? startedAt = null)
    {
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions());
        return new StallSweep(context, new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance),
            bulkheads ?? new Bulkheads(TimeProvider.System, NullLogger<Bulkheads>.Instance),
            new ProcessStart(startedAt ?? DateTimeOffset.UtcNow.AddHours(-1)), options, TimeProvider.System, NullLogger<StallSweep>.Instance);
    }

    public static async Task<(Guid AgentId, Guid ItemId)> SeedAsync(TestDatabase database, string groupName = "race")
    {
        var now = DateTimeOffset.UtcNow;
        var longAgo = now.AddMinutes(-30);
        var group = new Group { Id = Guid.CreateVersion7(), Name = groupName, CreatedAt = now };
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = group.Id, Name = "quiet", Capacity = 1, Status = AgentStatus.Busy,
            RegisteredAt = longAgo, LastHeartbeatAt = longAgo, ApiKeyHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            ApiKeyPrefix = "cg_agent_x",
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
}
