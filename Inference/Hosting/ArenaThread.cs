using System.Collections.Concurrent;

namespace ClawGroups.Inference.Hosting;

/// <summary>
/// A long-lived thread that tensor work is handed to, so that its native allocations come from one arena, reused work after
/// work: the thread the encoder's pooled forward passes run on (<c>EncoderTurns</c>), whoever asks for them, and the threads
/// that run the second of two halves side by side (<see cref="IntraOpThreads.SideBySide"/>). glibc
/// gives each thread that allocates its own arena, up to 16 on two cores, and keeps what an arena freed for that arena's
/// next use: when a batch of 128 texts ran on whichever pool thread held the turn, each of those threads' arenas grew to a
/// batch's activations and kept them, ~240 MB more before the preloaded swarm's agents joined once items were read 128 at
/// a time (decision 0041). On one thread the activations come from one arena, reused batch after batch; the halves' second
/// thread started afresh for each pass grew new arenas again, ~440 MB more (decision 0044). Mapping every large block on its
/// own instead (a fixed <c>M_MMAP_THRESHOLD</c>) handed them back as well, but made reading twice as slow: every batch
/// faulted its activations' pages in afresh (docs/PERFORMANCE.md, "The encoder's activations in one arena").
/// </summary>
internal sealed class ArenaThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Lazy<Thread> _thread;
    private int _disposed;

    public ArenaThread(string name)
        => _thread = new Lazy<Thread>(() =>
        {
            // A background thread: a host that never disposes its model still exits.
            var thread = new Thread(Serve) { IsBackground = true, Name = name };
            thread.Start();
            return thread;
        });

    /// <summary>
    /// Runs <paramref name="work"/> on this thread and waits for it; its exception is the caller's. After
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
        // The work's own exception, not an AggregateException around it.
        Start(work).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Hands <paramref name="work"/> to the thread and returns at once: the task completes when the work is done, with its
    /// exception if it failed. Asked for from the thread itself, the work runs at once, before this returns, rather than
    /// wait for itself.
    /// </summary>
    public Task Start(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_thread.IsValueCreated && Thread.CurrentThread == _thread.Value)
        {
            work();
            return Task.CompletedTask;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        _ = _thread.Value;
        // Completed on this thread; whoever waits for it is woken directly (no pool thread needed), and a continuation
        // never runs here.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add(Work);
        }
        catch (InvalidOperationException) when (Volatile.Read(ref _disposed) == 1)
        {
            // Disposed between the check and the add.
            throw new ObjectDisposedException(nameof(ArenaThread));
        }

        return done.Task;

        void Work()
        {
            try
            {
                work();
                done.SetResult();
            }
#pragma warning disable CA1031 // Not swallowed: the task carries it to whoever waits.
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
