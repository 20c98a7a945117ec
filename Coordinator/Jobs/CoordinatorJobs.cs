using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// The coordinator's Hangfire jobs. Each takes ids, reads the state it needs from the database, and is safe to
/// run twice or on two workers at once. A fresh scope per job keeps one DbContext per unit of work.
/// </summary>
public sealed class CoordinatorJobs(
    IServiceScopeFactory scopes, IBackgroundJobClient jobs, GroupPassTurns passes, Bulkheads bulkheads, TimeProvider time)
{
    public const string PassWork = "Assignment pass";
    public const string ReviewerPassWork = "Reviewer pass";
    public const string DeliveryWork = "Webhook delivery";

    private static readonly WorkItemState[] Assignable = [WorkItemState.Ready, WorkItemState.Stalled];

    /// <summary>
    /// A group's passes, asked for by a change. Not retried by Hangfire: a pass that fails is recorded for <c>/health</c>,
    /// and the sweep runs the group's pass again within one interval, from the state as it is then.
    /// </summary>
    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    public Task RunAssignmentPassAsync(Guid groupId, CancellationToken cancellationToken) => bulkheads.RunAsync(PassWork, groupId, () => passes.RunAsync(groupId, async () =>
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(groupId, cancellationToken);
        scope.ServiceProvider.GetRequiredService<ClawDbContext>().ChangeTracker.Clear();
        await scope.ServiceProvider.GetRequiredService<ReviewerPass>().RunAsync(groupId, cancellationToken);
    }), cancellationToken);

    [Queue(JobQueues.Webhooks)]
    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverWebhookAsync(Guid outboxMessageId, CancellationToken cancellationToken)
    {
        // A message that breaks its delivery stays claimed until its lock runs out, and then the sweep tries it again.
        await bulkheads.RunAsync(DeliveryWork, outboxMessageId, async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var next = await scope.ServiceProvider.GetRequiredService<WebhookDelivery>().DeliverAsync(outboxMessageId, cancellationToken);
            if (next is { } due)
            {
                jobs.Schedule<CoordinatorJobs>(j => j.DeliverWebhookAsync(outboxMessageId, CancellationToken.None), NoEarlierThanHangfireRuns(due));
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Hangfire keeps a scheduled job's time in whole seconds, rounded down, and runs it once its clock reaches that second:
    /// a retry due at 09:00:01.7 would run at 09:00:01.0, find its message not yet due, and leave it to the sweep. Rounded
    /// up it runs when due, at most a second later, well inside the backoff's jitter.
    /// </summary>
    private static DateTimeOffset NoEarlierThanHangfireRuns(DateTimeOffset due)
    {
        var intoSecond = due.UtcTicks % TimeSpan.TicksPerSecond;
        return intoSecond == 0 ? due : due.AddTicks(TimeSpan.TicksPerSecond - intoSecond);
    }

    /// <summary>
    /// The safety net that runs every sweep interval: deliveries whose job was lost (a crash, a restart on
    /// in-memory storage) and groups with assignable work get their jobs again.
    /// </summary>
    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        await scope.ServiceProvider.GetRequiredService<StallSweep>().RunAsync(cancellationToken);
        context.ChangeTracker.Clear();
        var now = time.GetUtcNow();
        var due = await context.OutboxMessages
            .Where(m => m.DueAt != null && m.DueAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.DueAt).Select(m => m.Id).Take(1000)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            jobs.Enqueue<CoordinatorJobs>(j => j.DeliverWebhookAsync(id, CancellationToken.None));
        }

        var groups = await context.WorkItems.Where(w => Assignable.Contains(w.State) && w.PausedAt == null)
            .Select(w => w.GroupId).Distinct().ToListAsync(cancellationToken);
        foreach (var groupId in groups)
        {
            await bulkheads.RunAsync(PassWork, groupId, () => passes.RunAsync(groupId, async () =>
            {
                await using var passScope = scopes.CreateAsyncScope();
                await passScope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(groupId, cancellationToken);
            }), cancellationToken);
        }

        var reviewing = await context.WorkItems.Where(w => w.State == WorkItemState.InReview
                && !w.Assignments.Any(a => a.Role == AssignmentRole.Review && a.EndedAt == null))
            .Select(w => w.GroupId).Distinct().ToListAsync(cancellationToken);
        foreach (var groupId in reviewing)
        {
            await bulkheads.RunAsync(ReviewerPassWork, groupId,
                async () => await scope.ServiceProvider.GetRequiredService<ReviewerPass>().RunAsync(groupId, cancellationToken), cancellationToken);
            context.ChangeTracker.Clear();
        }
    }

    public const string SkillFeedbackJobId = "skill-feedback";

    /// <summary>
    /// The recurring feedback to the model: every group whose agents' work ended since its last run gets a job of
    /// its own (<see cref="TuneGroupAsync"/>), so the groups spread over the cluster's workers and one group's failure
    /// is retried on its own. One fan-out at a time across the cluster.
    /// </summary>
    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunSkillFeedbackAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var groupId in await SkillFeedback.GroupsWithNewWorkAsync(scope.ServiceProvider.GetRequiredService<ClawDbContext>(), cancellationToken))
        {
            jobs.Enqueue<CoordinatorJobs>(j => j.TuneGroupAsync(groupId, CancellationToken.None));
        }
    }

    /// <summary>
    /// One group's feedback; safe to run twice (the watermark makes the second find nothing new, and two at once conflict
    /// on the tuning's version). On the last queue: tuning is seconds of CPU that must not hold up passes or webhooks.
    /// </summary>
    [Queue(JobQueues.Default)]
    [AutomaticRetry(Attempts = 2)]
    public async Task TuneGroupAsync(Guid groupId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SkillFeedback>().RunAsync(groupId, cancellationToken);
    }
}
