using System.Collections.Concurrent;
using ClawGroups.Inference.Hosting;

namespace ClawGroups.Inference.Tests.Hosting;

/// <summary>Work handed to an arena thread runs on that one thread, whoever asks (glibc's arenas are per thread).</summary>
public sealed class ArenaThreadTests
{
    [Fact]
    public async Task Work_asked_for_from_many_threads_runs_on_one_other_thread_one_piece_at_a_time()
    {
        using var thread = new ArenaThread("Claw test");
        using var allAsked = new CountdownEvent(8);
        var ran = new ConcurrentBag<int>();
        var callers = new ConcurrentBag<int>();
        var running = 0;
        var overlapped = false;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            callers.Add(Environment.CurrentManagedThreadId);
            allAsked.Signal();
            thread.Run(() =>
            {
                overlapped |= Interlocked.Increment(ref running) > 1;
                ran.Add(Environment.CurrentManagedThreadId);
                // Every piece holds on until all eight callers have asked: pieces run side by side would overlap here.
                Assert.True(allAsked.Wait(TimeSpan.FromSeconds(30)));
                Interlocked.Decrement(ref running);
            });
        }))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(8, ran.Count);
        var ranOn = Assert.Single(ran.Distinct());
        Assert.DoesNotContain(ranOn, callers);
        Assert.False(overlapped);
    }

    [Fact]
    public void The_work_is_done_when_run_returns_and_its_failure_is_the_callers()
    {
        using var thread = new ArenaThread("Claw test");
        var done = false;

        thread.Run(() => done = true);
        var failure = Assert.Throws<InvalidOperationException>(() => thread.Run(() => throw new InvalidOperationException("no weights")));

        Assert.True(done);
        Assert.Equal("no weights", failure.Message);
        // The thread survives a failed piece of work.
        var after = false;
        thread.Run(() => after = true);
        Assert.True(after);
    }

    [Fact]
    public async Task Start_returns_before_the_work_is_done_and_its_task_carries_the_failure()
    {
        using var thread = new ArenaThread("Claw test");
        using var gate = new ManualResetEventSlim();

        var started = thread.Start(() =>
        {
            Assert.True(gate.Wait(TimeSpan.FromSeconds(30)));
            throw new InvalidOperationException("failed after the gate");
        });

        Assert.False(started.IsCompleted);
        gate.Set();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => started.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("failed after the gate", failure.Message);
    }

    [Fact]
    public void Work_asked_for_from_the_threads_own_thread_runs_at_once_instead_of_waiting_for_itself()
    {
        using var thread = new ArenaThread("Claw test");
        var inner = false;

        thread.Run(() => thread.Run(() => inner = true));

        Assert.True(inner);
    }

    [Fact]
    public void Work_asked_for_after_dispose_is_refused_and_dispose_may_come_twice()
    {
        var used = new ArenaThread("Claw test");
        used.Run(() => { });
        var neverUsed = new ArenaThread("Claw test");

        used.Dispose();
        neverUsed.Dispose();
        used.Dispose();

        Assert.Throws<ObjectDisposedException>(() => used.Run(() => { }));
        Assert.Throws<ObjectDisposedException>(() => neverUsed.Run(() => { }));
    }
}
