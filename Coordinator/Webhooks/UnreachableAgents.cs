using System.Data.Common;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// Marks a webhook agent unreachable once its failed deliveries in a row reach the threshold: its offers are stalled and
/// go back to the coordinator, and the offers it never received are void. Exactly once per run of failures, however many
/// deliveries fail at once.
/// </summary>
public sealed partial class UnreachableAgents(
    ClawDbContext context, WorkItemLifecycle lifecycle, LiveChanges liveChanges, ILogger<UnreachableAgents> logger)
{
    /// <summary>
    /// Called by a failed delivery after its attempt is recorded, and in a transaction of its own, so that an offer that
    /// moved meanwhile (the agent accepted it, a person took it back) costs a fresh look, never the attempt. Should it still
    /// fail, the failure is logged and the delivery's retry keeps its schedule: the count stays at or over the threshold,
    /// so the next failed delivery makes the move.
    /// </summary>
    public async Task MarkAsync(Agent agent, string error, int threshold, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            context.ChangeTracker.Clear();
            lifecycle.Reset();
            try
            {
                if (await TryMarkAsync(agent, error, threshold, cancellationToken))
                {
                    liveChanges.Add(LiveChange.Agent(agent.GroupId, agent.Id));
                    // Committed: nothing is left to save, and the signals the moves collected go out now.
                    await lifecycle.SaveAsync(cancellationToken);
                }

                return;
            }
            catch (DbUpdateConcurrencyException) when (tries < ConcurrentChange.Attempts)
            {
                // Everything rolled back, the agent's status with it; look again.
            }
            catch (Exception exception) when (exception is DbException or DbUpdateException)
            {
                LogUnreachableNotMarked(logger, exception, agent.Id);
                return;
            }
        }
    }

    private async Task<bool> TryMarkAsync(Agent agent, string error, int threshold, CancellationToken cancellationToken)
    {
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        // Exactly once however many deliveries fail at once: only where the status has not moved yet and the exact count
        // has reached the threshold. On PostgreSQL an update that waited for another's row lock checks the condition again
        // on the row that one committed; SQLite runs one writer at a time.
        var marked = await context.Agents
            .Where(a => a.Id == agent.Id && a.Status != AgentStatus.Unreachable && a.Status != AgentStatus.Revoked
                        && a.ConsecutiveDeliveryFailures >= threshold)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AgentStatus.Unreachable).SetProperty(a => a.Version, a => a.Version + 1), cancellationToken) > 0;
        if (!marked)
        {
            return false;
        }

        var failures = await context.Agents.Where(a => a.Id == agent.Id).Select(a => a.ConsecutiveDeliveryFailures).SingleAsync(cancellationToken);
        context.AddTrailEvent(agent.GroupId, Caller.Coordinator, TrailEventTypes.AgentUnreachable, lifecycle.Now,
            new { agent.Name, failures, error }, agentId: agent.Id);
        var offers = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.AssigneeAgentId == agent.Id && w.State == WorkItemState.Assigned)
            .ToListAsync(cancellationToken);
        foreach (var item in offers)
        {
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Stalled, cancellationToken, stallReason: StallReason.WebhookUnreachable);
            WorkItemStateMachine.Apply(item, WorkItemMove.Stall, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Stalled, lifecycle.Now,
                new { reason = "webhookUnreachable", agentId = agent.Id }, item.Id, agent.Id);
        }

        // Offers it never received are void now; it must not start them when it comes back.
        await context.VoidUndeliveredOffersAsync(agent.Id, offers.Select(o => o.Id).ToList(), lifecycle.Now, cancellationToken);

        lifecycle.AssignmentNeeded(agent.GroupId);
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent {AgentId} failed enough deliveries to be unreachable but could not be marked so; its next failed delivery tries again")]
    private static partial void LogUnreachableNotMarked(ILogger logger, Exception exception, Guid agentId);
}
