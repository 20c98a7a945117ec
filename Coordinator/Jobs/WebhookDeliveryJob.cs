using ClawGroups.Coordinator.Webhooks;
using Hangfire;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// One outbox message's delivery to its agent's webhook, and the retry of a failed one scheduled for when it is due.
/// Safe to run twice: the delivery claims its message, and one delivered, given up or not yet due is left alone.
/// </summary>
public sealed class WebhookDeliveryJob(WebhookDelivery delivery, IBackgroundJobClient jobs, Bulkheads bulkheads)
{
    public const string Work = "Webhook delivery";

    [Queue(JobQueues.Webhooks)]
    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverAsync(Guid outboxMessageId, CancellationToken cancellationToken)
    {
        // A message that breaks its delivery stays claimed until its lock runs out, and then the sweep tries it again.
        await bulkheads.RunAsync(Work, outboxMessageId, async () =>
        {
            var next = await delivery.DeliverAsync(outboxMessageId, cancellationToken);
            if (next is { } due)
            {
                jobs.Schedule<WebhookDeliveryJob>(j => j.DeliverAsync(outboxMessageId, CancellationToken.None), NoEarlierThanHangfireRuns(due));
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
}
