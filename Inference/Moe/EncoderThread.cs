using System.Collections.Concurrent;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The one thread the encoder's pooled forward passes run on (<see cref="EncoderTurns"/>), whoever asks for them. glibc
/// gives each thread that allocates its own arena, up to 16 on two cores, and keeps what an arena freed for that arena's
/// next use: when a batch of 128 texts ran on whichever pool thread held the turn, each of those threads' arenas grew to a
/// batch's activations and kept them, ~240 MB more before the preloaded swarm's agents joined once items were read 128 at
/// a time (decision 0041). On one thread the activations come from one arena, reused batch after batch (but for the
/// experts' half that runs side by side on a thread of its own: <c>GroupedExperts</c>). Mapping every large block on its
/// own instead (a fixed <c>M_MMAP_THRESHOLD</c>) handed them back as well, but made reading twice as slow: every batch
/// faulted its activations' pages in afresh (docs/PERFORMANCE.md, "The encoder's activations in one arena").
/// </summary>
internal sealed class EncoderThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Lazy<Thread> _thread;
    private int _disposed;

    public EncoderThread()
        => _thread = new Lazy<Thread>(() =>
        {
            // A background thread: a host that never disposes its model still exits.
            var thread = new Thread(Serve) { IsBackground = true, Name = "Claw encoder" };
            thread.Start();
            return thread;
        });

    /// <summary>
    /// Runs <paramref name="work"/> on the encoder's thread and waits for it; its exception is the caller's. After
    /// <see cref="Dispose"/> (a model disposed while the host stops) the caller gets <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <remarks>
    /// The caller waits on a task, not an event: a thread-pool worker blocked in a task's wait tells the pool, which raises
    /// its goal by a worker while it waits (the first few at once, more in short delay steps). A worker blocked on an event
    /// is simply one worker fewer, made up only once queued work stops moving for half a second. That is what lets the
    /// pool run without hill climbing and stay small (decision 0042): a registration reading its card here no longer holds
    /// one of a few workers unseen. The task's wait spins a few microseconds before it blocks, where the event was made not
    /// to (decision 0019); every wait here is a forward pass of milliseconds.
    /// </remarks>
    public void Run(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_thread.IsValueCreated && Thread.CurrentThread == _thread.Value)
        {
            work();
            return;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        _ = _thread.Value;
        // Completed on the encoder's thread. The caller blocks on it below (woken directly, no pool thread needed); nothing
        // awaits it, and were anything to, its continuation would still not run on the encoder's thread.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add(Work);
        }
        catch (InvalidOperationException) when (Volatile.Read(ref _disposed) == 1)
        {
            // Disposed between the check and the add.
            throw new ObjectDisposedException(nameof(EncoderThread));
        }

        // The work's own exception, not an AggregateException around it.
        done.Task.GetAwaiter().GetResult();

        void Work()
        {
            try
            {
                work();
                done.SetResult();
            }
#pragma warning disable CA1031 // Not swallowed: rethrown on the caller's thread below.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                done.SetException(exception);
            }
        }
    }

    private void Serve()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    /// <summary>The thread ends once the work already asked for is done; safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _work.CompleteAdding();
        if (_thread.IsValueCreated)
        {
            _thread.Value.Join();
        }
    }
}
