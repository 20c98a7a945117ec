using ClawGroups.Coordinator.Hosting;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Enqueues the coordinator's sweep every <c>SweepIntervalSeconds</c>. Hangfire's cron stops at minutes, and the
/// sweep must run every few seconds, so a timer on each job-running node enqueues it; the sweep is idempotent.
/// </summary>
public sealed partial class SweepScheduler(
    IBackgroundJobClient jobs, JobStorage storage, IOptionsMonitor<CoordinatorOptions> options, TimeProvider time, ILogger<SweepScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? previous = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One sweep at a time from this node: a slow database must not pile sweeps up behind each other.
                if (previous is null || IsFinished(previous))
                {
                    previous = jobs.Enqueue<SweepJob>(j => j.RunAsync(CancellationToken.None));
                }
            }
#pragma warning disable CA1031 // The safety net must outlive a database that cannot answer for a while: the next tick tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                // An exception out of a hosted service stops the whole host: under a swarm on PostgreSQL an exhausted
                // connection pool did exactly that.
                LogTickFailed(logger, exception);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.CurrentValue.SweepIntervalSeconds), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool IsFinished(string jobId)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetJobData(jobId)?.State;
        return state is null or "Succeeded" or "Failed" or "Deleted";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep could not be enqueued; trying again at the next interval")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
