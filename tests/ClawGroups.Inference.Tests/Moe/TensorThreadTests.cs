using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Tests.Moe;

public sealed class TensorThreadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Work_from_any_caller_runs_on_the_one_thread()
    {
        using var tensors = new TensorThread();

        var threads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => tensors.Run(() => Environment.CurrentManagedThreadId))));

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
    }

    [Fact]
    public void The_work_s_result_comes_back_to_the_caller()
    {
        using var tensors = new TensorThread();

        Assert.Equal(42, tensors.Run(() => 6 * 7));
    }

    [Fact]
    public void An_exception_thrown_by_the_work_reaches_the_caller_as_it_was_thrown()
    {
        using var tensors = new TensorThread();

        var thrown = Assert.Throws<InvalidOperationException>(() => tensors.Run(() => throw new InvalidOperationException("pass failed")));

        Assert.Equal("pass failed", thrown.Message);
        Assert.Equal(7, tensors.Run(() => 7));
    }

    [Fact]
    public void Work_asked_for_on_the_thread_itself_runs_at_once()
    {
        using var tensors = new TensorThread();

        var inner = tensors.Run(() => tensors.Run(() => tensors.IsCurrent));

        Assert.True(inner);
    }

    [Fact]
    public async Task Work_cancelled_while_it_waits_for_the_thread_never_runs()
    {
        using var tensors = new TensorThread();
        using var busy = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = Task.Run(() => tensors.Run(() =>
        {
            busy.Set();
            release.Wait(Deadline);
        }));
        Assert.True(busy.Wait(Deadline));
        using var cancel = new CancellationTokenSource();
        var ran = false;

        var waiting = Task.Run(() => tensors.Run(() => ran = true, cancel.Token));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.Set();
        await first;
        tensors.Run(() => { });
        Assert.False(ran);
    }

    [Fact]
    public void A_token_cancelled_before_the_call_skips_the_work()
    {
        using var tensors = new TensorThread();
        var ran = false;

        Assert.ThrowsAny<OperationCanceledException>(() => tensors.Run(() => ran = true, new CancellationToken(canceled: true)));

        Assert.False(ran);
    }
}
