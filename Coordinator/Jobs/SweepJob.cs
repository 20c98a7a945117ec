using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// The safety net that runs every sweep interval (<see cref="SweepScheduler"/>): stalled work is taken back, and
/// deliveries and passes whose job was lost (a crash, a restart on in-memory storage, a job an older version enqueued)
/// get their jobs again. Safe to run twice: everything it does it derives from the database as it is.
/// </summary>
public sealed class SweepJob(
    ClawDbContext context, StallSweep stallSweep, PersonOfferSweep personOfferSweep, ReviewerPass reviewerPass, GroupPasses passes,
    IBackgroundJobClient jobs, JobStorage storage, Bulkheads bulkheads, TimeProvider time)
{
    public const string ReviewerPassWork = "Reviewer pass";

    private static readonly WorkItemState[] Assignable = [WorkItemState.Ready, WorkItemState.Stalled];

    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await stallSweep.RunAsync(cancellationToken);
        context.ChangeTracker.Clear();
        await personOfferSweep.RunAsync(cancellationToken);
        context.ChangeTracker.Clear();
        await RequeueLostDeliveriesAsync(cancellationToken);
        if (await context.Agents.AnyAsync(a => a.Delivery == DeliveryMode.A2a && a.Status != AgentStatus.Revoked, cancellationToken))
        {
            // A job of its own: agents that answer slowly must not hold the sweep up.
            jobs.Enqueue<A2aTaskJob>(j => j.PollAsync(CancellationToken.None));
        }

        var groups = await context.WorkItems.Where(w => Assignable.Contains(w.State) && w.PausedAt == null)
            .Select(w => w.GroupId).Distinct().ToListAsync(cancellationToken);
        foreach (var groupId in groups)
        {
            await passes.AssignAsync(groupId, cancellationToken);
        }

        var reviewing = await context.WorkItems.Where(w => w.State == WorkItemState.InReview
                && !w.Assignments.Any(a => a.Role == AssignmentRole.Review && a.EndedAt == null))
            .Select(w => w.GroupId).Distinct().ToListAsync(cancellationToken);
        foreach (var groupId in reviewing)
        {
            await bulkheads.RunAsync(ReviewerPassWork, groupId,
                async () => await reviewerPass.RunAsync(groupId, cancellationToken), cancellationToken);
            context.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Due messages that no worker has claimed get a delivery job again — but only while the webhooks queue is empty. A
    /// message waiting in a non-empty queue may simply not have reached the front yet: a job per sweep for each of them
    /// made a backlog feed itself (the soak saw 1,340 jobs queued for 170 messages, and offers delivered 90 s late, after
    /// they had lapsed). A job that really was lost is found at the first sweep after the queue drains.
    /// </summary>
    private async Task RequeueLostDeliveriesAsync(CancellationToken cancellationToken)
    {
        if (storage.GetMonitoringApi().EnqueuedCount(JobQueues.Webhooks) > 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var due = await context.OutboxMessages
            .Where(m => m.DueAt != null && m.DueAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.DueAt).Select(m => m.Id).Take(1000)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            jobs.Enqueue<WebhookDeliveryJob>(j => j.DeliverAsync(id, CancellationToken.None));
        }
    }
}
