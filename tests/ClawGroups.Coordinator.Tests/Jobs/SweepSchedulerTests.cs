using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Jobs;
using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Tests.Jobs;

public sealed class SweepSchedulerTests
{
    [Fact]
    public async Task A_tick_that_cannot_reach_the_job_storage_is_tried_again_at_the_next_and_the_host_keeps_running()
    {
        var jobs = new FailingFirstJobs();
        using var storage = new InMemoryStorage();
        var options = new StaticOptions(new CoordinatorOptions { SweepIntervalSeconds = 1 });
        using var scheduler = new SweepScheduler(jobs, storage, options, TimeProvider.System, NullLogger<SweepScheduler>.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (jobs.Enqueued == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, jobs.Failed);
        Assert.Equal(1, jobs.Enqueued);
        Assert.False(scheduler.ExecuteTask!.IsFaulted);
        await scheduler.StopAsync(CancellationToken.None);
    }

    /// <summary>Fails the first enqueue as an exhausted connection pool does, then records.</summary>
    private sealed class FailingFirstJobs : IBackgroundJobClient
    {
        public int Failed { get; private set; }

        public int Enqueued { get; private set; }

        public string Create(Job job, IState state)
        {
            if (Failed == 0)
            {
                Failed++;
                throw new BackgroundJobClientException("Background job creation failed.", new TimeoutException("The connection pool has been exhausted."));
            }

            Enqueued++;
            return Enqueued.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    private sealed class StaticOptions(CoordinatorOptions value) : IOptionsMonitor<CoordinatorOptions>
    {
        public CoordinatorOptions CurrentValue => value;

        public CoordinatorOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CoordinatorOptions, string?> listener) => null;
    }
}
