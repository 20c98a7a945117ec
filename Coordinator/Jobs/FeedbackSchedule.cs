using ClawGroups.Coordinator.Hosting;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Registers (or updates) the recurring feedback job on start-up with the configured cron. Every job-running node
/// does it; Hangfire keeps one recurring job by id, so the nodes agree.
/// </summary>
internal sealed class FeedbackSchedule(IRecurringJobManager recurring, IOptions<CoordinatorOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<CoordinatorJobs>(
            CoordinatorJobs.SkillFeedbackJobId, JobQueues.Coordinator, j => j.RunSkillFeedbackAsync(CancellationToken.None), options.Value.FeedbackCron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
