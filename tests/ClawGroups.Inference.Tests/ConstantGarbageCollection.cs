namespace ClawGroups.Inference.Tests;

/// <summary>
/// Another thread that allocates and collects the youngest generation (where the temporary Scalars live) without pause, finalizers included, until disposed: the conditions
/// under which TorchSharp's implicitly made Scalars were freed while libtorch read them (see <see cref="Arithmetic"/>).
/// </summary>
internal sealed class ConstantGarbageCollection : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _collector;
    private int _collections;

    /// <summary>
    /// Returns once the collector has made its first collection. It runs on a thread of its own: queued on the thread pool it
    /// once made no collection at all during a three-second tuning in CI (the pool's two threads busy), and the test failed.
    /// </summary>
    public ConstantGarbageCollection()
    {
        _collector = Task.Factory.StartNew(Collect, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        SpinWait.SpinUntil(() => Collections > 0 || _collector.IsCompleted);
    }

    /// <summary>Collections made so far, to show the stress was there.</summary>
    public int Collections => Volatile.Read(ref _collections);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _collector;
        _stop.Dispose();
    }

    private void Collect()
    {
        while (!_stop.IsCancellationRequested)
        {
            GC.KeepAlive(new byte[1 << 16]);
            GC.Collect(0);
            GC.WaitForPendingFinalizers();
            Interlocked.Increment(ref _collections);
        }
    }
}
