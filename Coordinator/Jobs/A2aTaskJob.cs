using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Keeps A2A agents' tasks and presence current. Pushes are not retried and may never come, so every sweep polls each
/// task in flight (<c>GetTask</c>) and asks an idle A2A agent's endpoint whether it is there, which stands for the
/// heartbeat such an agent never sends. A push only brings one task's poll forward. Safe to run twice: a task update
/// already applied changes nothing.
/// </summary>
public sealed partial class A2aTaskJob(
    ClawDbContext context, A2aTaskSync sync, A2aJsonRpcClient client, IOptionsMonitor<CoordinatorOptions> options, TimeProvider time,
    ILogger<A2aTaskJob> logger)
{
    /// <summary>One poll at a time per process: a slow agent must not make sweeps stack polls behind it.</summary>
    private static readonly SemaphoreSlim Polling = new(1, 1);

    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    public Task SyncAsync(Guid assignmentId, CancellationToken cancellationToken) => sync.SyncAsync(assignmentId, cancellationToken);

    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        if (!await Polling.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            var inFlight = await context.Assignments.AsNoTracking()
                .Where(a => a.EndedAt == null && a.A2aTaskId != null)
                .Select(a => a.Id).ToListAsync(cancellationToken);
            foreach (var assignmentId in inFlight)
            {
                try
                {
                    await sync.SyncAsync(assignmentId, cancellationToken);
                }
                catch (DbUpdateException exception)
                {
                    // Another writer moved the item first (the agent's own REST call, a person, the sweep): the next poll
                    // reads the task again, and one task's trouble does not keep the others waiting.
                    LogSyncLostRace(logger, exception, assignmentId);
                }

                context.ChangeTracker.Clear();
            }

            await ProbeIdleAgentsAsync(cancellationToken);
        }
        finally
        {
            Polling.Release();
        }
    }

    /// <summary>
    /// An A2A agent with no task in flight is asked for a task that does not exist: any JSON-RPC answer, the expected "not
    /// found" included, shows its endpoint is there. Asked a few times per heartbeat timeout, so a live agent never looks silent.
    /// </summary>
    private async Task ProbeIdleAgentsAsync(CancellationToken cancellationToken)
    {
        var quietSince = time.GetUtcNow() - TimeSpan.FromSeconds(options.CurrentValue.HeartbeatTimeoutSeconds / 3.0);
        var idle = await context.Agents.AsNoTracking()
            .Where(a => a.Delivery == DeliveryMode.A2a && a.A2aEndpointUrl != null && a.LastHeartbeatAt < quietSince
                        && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy || a.Status == AgentStatus.Stalled || a.Status == AgentStatus.Offline)
                        && !context.Assignments.Any(s => s.AgentId == a.Id && s.EndedAt == null && s.A2aTaskId != null))
            .ToListAsync(cancellationToken);
        foreach (var agent in idle)
        {
            var answer = await client.CallAsync(agent.A2aEndpointUrl!, A2aMethods.GetTask,
                new GetTaskRequest { Id = $"claw-presence-{Guid.NewGuid():N}" }, cancellationToken);
            if (answer.Reached)
            {
                await sync.HeartbeatAsync(agent, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A2A task sync of attempt {AssignmentId} lost a race; the next poll reads the task again")]
    private static partial void LogSyncLostRace(ILogger logger, Exception exception, Guid assignmentId);
}
