using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Tests.Webhooks;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Database;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Jobs;

/// <summary>The delivery job schedules the retry of a failed delivery for when it is due, in Hangfire's terms.</summary>
public sealed class WebhookRetryJobTests
{
    [Fact]
    public async Task A_retry_is_scheduled_so_that_Hangfire_runs_it_no_earlier_than_it_is_due_and_less_than_a_second_after()
    {
        using var scene = await WebhookScene.CreateAsync(DatabaseProvider.Sqlite, new WebhookOptions());
        var messageId = (await scene.SeedAsync(1)).MessageIds[0];
        await using var context = scene.NewContext();
        var jobs = new RecordingJobs();
        var deliveryJob = new WebhookDeliveryJob(scene.Delivery(context), jobs, new Bulkheads(scene.Time, NullLogger<Bulkheads>.Instance));

        await deliveryJob.DeliverAsync(messageId, CancellationToken.None);

        await using var reader = scene.NewContext();
        var due = (await reader.OutboxMessages.SingleAsync()).DueAt!.Value;
        var scheduled = Assert.IsType<ScheduledState>(Assert.Single(jobs.Created).State);
        // Hangfire keeps a scheduled job's time in whole seconds and enqueues it once the clock's whole seconds reach them.
        var runsFrom = JobHelper.FromTimestamp(JobHelper.ToTimestamp(scheduled.EnqueueAt));
        Assert.InRange(runsFrom, due.UtcDateTime, due.UtcDateTime.AddSeconds(1));
    }
}
