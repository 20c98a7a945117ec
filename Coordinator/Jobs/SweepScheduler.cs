using ClawGroups.Coordinator.Hosting;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Enqueues the coordinator's sweep every <c>SweepIntervalSeconds</c>. Hangfire's cron stops at minutes, and the
/// sweep must run every few seconds, so a timer on each job-running node enqueues it; the sweep is idempotent.
/// </summary>
internal sealed class SweepScheduler(IBackgroundJobClient jobs, JobStorage storage, IOptionsMonitor<CoordinatorOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? previous = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // One sweep at a time from this node: a slow database must not pile sweeps up behind each other.
            if (previous is null || IsFinished(previous))
            {
                previous = jobs.Enqueue<CoordinatorJobs>(j => j.SweepAsync(CancellationToken.None));
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
}
