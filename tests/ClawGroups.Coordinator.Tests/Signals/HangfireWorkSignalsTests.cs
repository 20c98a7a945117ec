using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Signals;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Signals;

public sealed class HangfireWorkSignalsTests
{
    /// <summary>A reader never started: these tests send no written texts.</summary>
    private static readonly WrittenTextReader Texts =
        new(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), NullLogger<WrittenTextReader>.Instance);

    private static readonly Guid Group = Guid.NewGuid();

    [Fact]
    public async Task A_quiet_group_gets_a_pass_now_and_one_at_the_window_s_end_and_signals_within_the_window_add_nothing()
    {
        var (signals, jobs, time) = Create();

        signals.AssignmentNeeded(Group);
        await signals.SentAsync();
        time.Advance(TimeSpan.FromMilliseconds(100));
        signals.AssignmentNeeded(Group);
        // The window's pass is enqueued when the window ends, not before, and not later (no scheduler's poll between).
        time.Advance(TimeSpan.FromMilliseconds(149));
        await signals.SentAsync();
        Assert.Single(jobs.Passes);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await UntilAsync(() => jobs.Passes.Count == 2);

        Assert.Equal([TimeSpan.Zero, HangfireWorkSignals.PassDebounce], jobs.Passes);
        Assert.All(jobs.States, state => Assert.Equal(EnqueuedState.StateName, state));
    }

    [Fact]
    public async Task Signals_that_keep_coming_get_one_pass_per_window_not_two()
    {
        var (signals, jobs, time) = Create();

        // A swarm finishing items every 50 ms for a second; each window's pass is sent before the clock moves on.
        for (var t = 1; t <= 20; t++)
        {
            signals.AssignmentNeeded(Group);
            await signals.SentAsync();
            time.Advance(TimeSpan.FromMilliseconds(50));
            var windowsEnded = t * 50 / 250;
            await UntilAsync(() => jobs.Passes.Count >= 1 + windowsEnded);
        }

        // One now, then one at the end of each of the four windows that the second spans.
        Assert.Equal([0, 250, 500, 750, 1_000], jobs.Passes.Select(at => (int)at.TotalMilliseconds));
    }

    [Fact]
    public async Task After_a_quiet_spell_a_signal_runs_a_pass_at_once_again()
    {
        var (signals, jobs, time) = Create();
        signals.AssignmentNeeded(Group);
        await signals.SentAsync();

        time.Advance(HangfireWorkSignals.PassDebounce);
        await UntilAsync(() => jobs.Passes.Count == 2);
        time.Advance(TimeSpan.FromSeconds(2) - HangfireWorkSignals.PassDebounce);
        signals.AssignmentNeeded(Group);
        await signals.SentAsync();
        time.Advance(HangfireWorkSignals.PassDebounce);
        await UntilAsync(() => jobs.Passes.Count == 4);

        Assert.Equal([0, 250, 2_000, 2_250], jobs.Passes.Select(at => (int)at.TotalMilliseconds));
    }

    [Fact]
    public async Task Two_nodes_signalled_at_different_moments_end_their_windows_together()
    {
        var time = new ManualTime();
        var (one, onesJobs) = Node(time);
        var (other, othersJobs) = Node(time);
        int[] onesPasses = [0, 250, 500, 750];
        // The other node hears of the group 100 ms later: its first pass runs then, its windows end with the first node's.
        int[] othersPasses = [100, 250, 500, 750];

        // Both nodes serve a swarm's calls, a change every 50 ms each, until 600 ms.
        for (var t = 0; t <= 800; t += 50)
        {
            if (t <= 600)
            {
                one.AssignmentNeeded(Group);
                if (t >= 100)
                {
                    other.AssignmentNeeded(Group);
                }
            }

            await one.SentAsync();
            await other.SentAsync();
            var now = t;
            await UntilAsync(() => onesJobs.Passes.Count == onesPasses.Count(at => at <= now) && othersJobs.Passes.Count == othersPasses.Count(at => at <= now));
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(onesPasses, onesJobs.Passes.Select(at => (int)at.TotalMilliseconds));
        Assert.Equal(othersPasses, othersJobs.Passes.Select(at => (int)at.TotalMilliseconds));
        await one.DisposeAsync();
        await other.DisposeAsync();
    }

    [Fact]
    public void A_window_ends_at_the_next_whole_multiple_of_the_window_since_the_epoch()
    {
        var onTheGrid = new DateTimeOffset(2026, 12, 5, 7, 30, 0, TimeSpan.Zero);

        Assert.Equal(onTheGrid + HangfireWorkSignals.PassDebounce, HangfireWorkSignals.WindowEnd(onTheGrid));
        Assert.Equal(onTheGrid + HangfireWorkSignals.PassDebounce, HangfireWorkSignals.WindowEnd(onTheGrid.AddMilliseconds(1)));
        Assert.Equal(onTheGrid + HangfireWorkSignals.PassDebounce, HangfireWorkSignals.WindowEnd(onTheGrid.AddMilliseconds(249.9)));
        // The same instant in another offset ends its window at the same instant.
        Assert.Equal(onTheGrid + (2 * HangfireWorkSignals.PassDebounce),
            HangfireWorkSignals.WindowEnd(onTheGrid.AddMilliseconds(300).ToOffset(TimeSpan.FromHours(5.5))));
    }

    [Fact]
    public async Task Groups_are_debounced_apart()
    {
        var (signals, jobs, _) = Create();

        signals.AssignmentNeeded(Group);
        signals.AssignmentNeeded(Guid.NewGuid());
        await UntilAsync(() => jobs.Passes.Count == 2);

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero], jobs.Passes);
    }

    [Fact]
    public async Task A_signal_the_job_storage_cannot_take_is_dropped_not_thrown_into_the_request_that_committed()
    {
        var signals = new HangfireWorkSignals(new UnreachableJobs(), new AgentWaiters(), new SingleNodeBus(), Texts, new ManualTime(), NullLogger<HangfireWorkSignals>.Instance);

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
        await using var signals = new HangfireWorkSignals(slow, new AgentWaiters(), new SingleNodeBus(), Texts, new ManualTime(), NullLogger<HangfireWorkSignals>.Instance);

        var raised = Task.Run(() => signals.AssignmentNeeded(Group));

        await raised.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(slow.Released.Task.IsCompleted);
        slow.Released.SetResult();
        await signals.SentAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(slow.Created > 0);
    }

    private static (HangfireWorkSignals Signals, RecordingJobs Jobs, ManualTime Time) Create()
    {
        var time = new ManualTime();
        var (signals, jobs) = Node(time);
        return (signals, jobs, time);
    }

    /// <summary>One node's signals, on a clock the test shares between nodes.</summary>
    private static (HangfireWorkSignals Signals, RecordingJobs Jobs) Node(ManualTime time)
    {
        var jobs = new RecordingJobs(time);
        return (new HangfireWorkSignals(jobs, new AgentWaiters(), new SingleNodeBus(), Texts, time, NullLogger<HangfireWorkSignals>.Instance), jobs);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the signal was not sent within 10 s");
            await Task.Delay(5);
        }
    }

    /// <summary>The jobs created, and when each pass was created, counted from the test's start.</summary>
    private sealed class RecordingJobs(ManualTime time) : IBackgroundJobClient
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public List<string> States { get; } = [];

        public List<TimeSpan> Passes { get; } = [];

        public string Create(Job job, IState state)
        {
            lock (States)
            {
                States.Add(state.Name);
                Passes.Add(time.GetUtcNow() - _start);
                return States.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
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

    /// <summary>A clock and timers that move only when the test moves them.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private readonly Lock _lock = new();
        private readonly List<ManualTimer> _timers = [];
        // On the windows' grid (HangfireWorkSignals.WindowEnd), so that the tests' times are the windows' own.
        private DateTimeOffset _now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow()
        {
            lock (_lock)
            {
                return _now;
            }
        }

        /// <summary>Moves the clock on, firing each timer due by then, in order, on this thread.</summary>
        public void Advance(TimeSpan by)
        {
            List<ManualTimer> due;
            lock (_lock)
            {
                _now += by;
                due = [.. _timers.Where(t => t.DueAt <= _now).OrderBy(t => t.DueAt)];
                _timers.RemoveAll(due.Contains);
            }

            foreach (var timer in due)
            {
                timer.Fire();
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer(ManualTime time, TimerCallback callback, object? state) : ITimer
        {
            public DateTimeOffset DueAt { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (time._lock)
                {
                    time._timers.Remove(this);
                    if (dueTime != Timeout.InfiniteTimeSpan)
                    {
                        DueAt = time._now + dueTime;
                        time._timers.Add(this);
                    }
                }

                return true;
            }

            public void Fire() => callback(state);

            public void Dispose() => Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
