using ClawGroups.Coordinator.Hosting;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Registers (or updates) the recurring feedback job on start-up with the configured cron. Every job-running node
/// does it; Hangfire keeps one recurring job by id, so the nodes agree.
/// </summary>
public sealed class FeedbackSchedule(IRecurringJobManager recurring, IOptions<CoordinatorOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = options.Value.FeedbackCron;
        try
        {
            recurring.AddOrUpdate<SkillFeedbackJob>(
                SkillFeedbackJob.RecurringJobId, JobQueues.Coordinator, j => j.RunAsync(CancellationToken.None), cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
        catch (ArgumentException exception)
        {
            // Hangfire's own message names neither the setting nor the value.
            throw new InvalidOperationException(
                $"{CoordinatorOptions.SectionName}:{nameof(CoordinatorOptions.FeedbackCron)} '{cron}' is not a cron expression " +
                $"(five fields, UTC, e.g. '0 * * * *' for hourly): {exception.Message}", exception);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
