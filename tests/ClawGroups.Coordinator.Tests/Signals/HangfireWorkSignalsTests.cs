using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Signals;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Signals;

public sealed class HangfireWorkSignalsTests
{
    private static readonly Guid Group = Guid.NewGuid();

    [Fact]
    public async Task A_quiet_group_gets_a_pass_now_and_one_at_the_window_s_end_and_signals_within_the_window_add_nothing()
    {
        var (signals, jobs, time) = Create();

        signals.AssignmentNeeded(Group);
        time.Advance(TimeSpan.FromMilliseconds(100));
        signals.AssignmentNeeded(Group);
        await signals.SentAsync();

        Assert.Equal([EnqueuedState.StateName, ScheduledState.StateName], jobs.States);
    }

    [Fact]
    public async Task Signals_that_keep_coming_get_one_pass_per_window_not_two()
    {
        var (signals, jobs, time) = Create();

        // A swarm finishing items every 50 ms for a second.
        for (var t = 0; t < 20; t++)
        {
            signals.AssignmentNeeded(Group);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await signals.SentAsync();

        // One now, then one at the end of each of the four windows that the second spans.
        Assert.Equal(1, jobs.States.Count(s => s == EnqueuedState.StateName));
        Assert.Equal(4, jobs.States.Count(s => s == ScheduledState.StateName));
    }

    [Fact]
    public async Task After_a_quiet_spell_a_signal_runs_a_pass_at_once_again()
    {
        var (signals, jobs, time) = Create();
        signals.AssignmentNeeded(Group);

        time.Advance(TimeSpan.FromSeconds(2));
        signals.AssignmentNeeded(Group);
        await signals.SentAsync();

        Assert.Equal([EnqueuedState.StateName, ScheduledState.StateName, EnqueuedState.StateName, ScheduledState.StateName], jobs.States);
    }

    [Fact]
    public async Task Groups_are_debounced_apart()
    {
        var (signals, jobs, _) = Create();

        signals.AssignmentNeeded(Group);
        signals.AssignmentNeeded(Guid.NewGuid());
        await signals.SentAsync();

        Assert.Equal(2, jobs.States.Count(s => s == EnqueuedState.StateName));
    }

    [Fact]
    public async Task A_signal_the_job_storage_cannot_take_is_dropped_not_thrown_into_the_request_that_committed()
    {
        var signals = new HangfireWorkSignals(new UnreachableJobs(), new AgentWaiters(), new SingleNodeBus(), new ManualTime(), NullLogger<HangfireWorkSignals>.Instance);

        signals.AssignmentNeeded(Group);
        signals.MessagesDue([Guid.NewGuid()]);
        await signals.SentAsync();

        // And the signals after them still go out: one that failed does not stop the sender.
        signals.AssignmentNeeded(Guid.NewGuid());
        await signals.SentAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Signals_are_sent_off_the_thread_that_raises_them_so_a_slow_job_storage_never_holds_a_request()
    {
        var slow = new BlockingJobs();
        await using var signals = new HangfireWorkSignals(slow, new AgentWaiters(), new SingleNodeBus(), new ManualTime(), NullLogger<HangfireWorkSignals>.Instance);

        var raised = Task.Run(() => signals.AssignmentNeeded(Group));

        await raised.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(slow.Released.Task.IsCompleted);
        slow.Released.SetResult();
        await signals.SentAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(slow.Created > 0);
    }

    private static (HangfireWorkSignals Signals, RecordingJobs Jobs, ManualTime Time) Create()
    {
        var jobs = new RecordingJobs();
        var time = new ManualTime();
        return (new HangfireWorkSignals(jobs, new AgentWaiters(), new SingleNodeBus(), time, NullLogger<HangfireWorkSignals>.Instance), jobs, time);
    }

    private sealed class RecordingJobs : IBackgroundJobClient
    {
        public List<string> States { get; } = [];

        public string Create(Job job, IState state)
        {
            States.Add(state.Name);
            return States.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    /// <summary>A job storage that answers only when the test lets it (a pool waiting for a connection).</summary>
    private sealed class BlockingJobs : IBackgroundJobClient
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Created { get; private set; }

        public string Create(Job job, IState state)
        {
            Released.Task.Wait();
            return (++Created).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    /// <summary>A job storage whose connection pool is exhausted.</summary>
    private sealed class UnreachableJobs : IBackgroundJobClient
    {
        public string Create(Job job, IState state) =>
            throw new BackgroundJobClientException("Background job creation failed.", new TimeoutException("The connection pool has been exhausted."));

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
