using System.Collections.Concurrent;
using ClawGroups.Inference.Hosting;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Hosting;

public sealed class IntraOpThreadsTests
{
    [Fact]
    public void Limits_libtorch_on_the_calling_thread_only_and_puts_its_setting_back()
    {
        TorchRuntime.Describe();
        Assert.Equal(OperatingSystem.IsLinux(), IntraOpThreads.IsAvailable);
        var before = get_num_threads();
        Assert.True(before > 1, "libtorch uses one thread by default on this machine: nothing for the test to limit.");

        int inside = 0, elsewhere = 0;
        IntraOpThreads.Run(1, () =>
        {
            inside = get_num_threads();
            // A thread that is not in the limited work, running libtorch at the same moment, keeps its own setting.
            var other = new Thread(() => elsewhere = get_num_threads());
            other.Start();
            other.Join();
        });

        Assert.Equal(1, inside);
        Assert.Equal(before, elsewhere);
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void Holds_on_a_thread_new_to_libtorch_past_its_first_operation()
    {
        TorchRuntime.Describe();
        Assert.True(get_num_threads() > 1, "libtorch uses one thread by default on this machine: nothing for the test to limit.");
        int? afterFirstOperation = null;

        // libtorch sets up a thread's count the first time the thread works with it; the MoE's second half of experts runs on
        // such a thread (GroupedExperts), and its limit must hold past that.
        var fresh = new Thread(() => IntraOpThreads.Run(1, () =>
        {
            using var product = ones(64, 64).matmul(ones(64, 64));
            afterFirstOperation = IntraOpThreads.OfThisThread;
        }));
        fresh.Start();
        fresh.Join();

        Assert.Equal(1, afterFirstOperation);
    }

    [Fact]
    public void Puts_the_setting_back_when_the_work_throws()
    {
        TorchRuntime.Describe();
        var before = get_num_threads();

        Assert.Throws<InvalidOperationException>(() => IntraOpThreads.Run(1, () => throw new InvalidOperationException("the work failed")));

        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void Side_by_side_runs_both_at_once_each_on_its_own_thread_with_half_the_threads_and_without_gradients()
    {
        TorchRuntime.Describe();
        var caller = Environment.CurrentManagedThreadId;
        using var bothStarted = new Barrier(2);
        (int Thread, int? Threads, bool Gradients) first = default, second = default;

        // Each waits for the other to start: run one after the other, the barrier would time out.
        IntraOpThreads.SideBySide(2,
            () => first = (Environment.CurrentManagedThreadId, Meet(bothStarted), is_grad_enabled()),
            () => second = (Environment.CurrentManagedThreadId, Meet(bothStarted), is_grad_enabled()));

        Assert.Equal(caller, first.Thread);
        Assert.NotEqual(caller, second.Thread);
        Assert.Equal(1, first.Threads);
        Assert.Equal(1, second.Threads);
        Assert.False(first.Gradients);
        Assert.False(second.Gradients);
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void Side_by_side_waits_for_the_second_when_the_first_fails_and_throws_the_first_failure()
    {
        TorchRuntime.Describe();
        var secondDone = false;
        using var firstFailing = new ManualResetEventSlim();

        // The second finishes only after the first has failed: returned without waiting, the call would leave it running.
        var failure = Assert.Throws<InvalidOperationException>(() => IntraOpThreads.SideBySide(2,
            () =>
            {
                firstFailing.Set();
                throw new InvalidOperationException("the first failed");
            },
            () =>
            {
                Assert.True(firstFailing.Wait(TimeSpan.FromSeconds(30)));
                secondDone = true;
                throw new ArgumentException("the second failed too");
            }));

        Assert.Equal("the first failed", failure.Message);
        Assert.True(secondDone);
    }

    [Fact]
    public void Side_by_side_throws_the_second_failure_as_it_was()
    {
        TorchRuntime.Describe();

        var failure = Assert.Throws<ArgumentException>(() => IntraOpThreads.SideBySide(2, () => { }, () => throw new ArgumentException("the second failed")));

        Assert.Equal("the second failed", failure.Message);
    }

    [Fact]
    public void Side_by_side_calls_one_after_another_run_their_second_halves_on_one_kept_thread()
    {
        TorchRuntime.Describe();
        var seconds = new List<Thread>();

        // The kept thread's native arena is what keeps a server's memory flat from batch to batch.
        // A pool of its own: other tests' passes, running at the same time, take from the shared one.
        var idle = new ConcurrentBag<ArenaThread>();
        for (var call = 0; call < 3; call++)
        {
            IntraOpThreads.SideBySide(2, () => { }, () => seconds.Add(Thread.CurrentThread), idle);
        }

        Assert.Single(seconds.Distinct());
        Assert.NotSame(Thread.CurrentThread, seconds[0]);
        Assert.Single(idle);
        idle.Single().Dispose();
    }

    private static int? Meet(Barrier barrier)
    {
        Assert.True(barrier.SignalAndWait(TimeSpan.FromSeconds(30)), "the other side never started: the two did not run at once");
        return IntraOpThreads.OfThisThread;
    }
}
