using System.Collections.Concurrent;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// One thread of its own on which the encoder's passes run, whoever asks for them. libtorch allocates a pass's activations
/// (tens of megabytes at a batch of 128) with <c>malloc</c> on the thread that runs it, and glibc serves each thread from an
/// arena of its own (up to 8 per core) and keeps what an arena freed for that arena's next use: passes run on whichever
/// request or job thread held the turn grew every arena to a pass's size. Run here, the passes reuse one arena
/// (docs/PERFORMANCE.md, "Where the RSS is"). Callers block until their work has run, as they did on a lock; work asked for
/// from this thread itself runs at once, so a pass may ask for another without waiting on itself.
/// </summary>
public sealed class TensorThread : IDisposable
{
    private const int Waiting = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public TensorThread(string name = "claw-tensors")
    {
        _thread = new Thread(RunWork) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>True on this object's thread.</summary>
    public bool IsCurrent => Thread.CurrentThread == _thread;

    /// <summary>
    /// Runs <paramref name="work"/> on this thread and returns its result, or throws what it threw. A token cancelled before
    /// the work starts skips it (<see cref="OperationCanceledException"/>); once started, the work runs to its end (it holds
    /// native tensors that are freed there).
    /// </summary>
    public T Run<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (IsCurrent)
        {
            return work();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = Waiting;
        using var cancelling = cancellationToken.Register(() =>
        {
            if (Interlocked.CompareExchange(ref state, Cancelled, Waiting) == Waiting)
            {
                done.TrySetCanceled(cancellationToken);
            }
        });
        _work.Add(() =>
        {
            if (Interlocked.CompareExchange(ref state, Started, Waiting) != Waiting)
            {
                return;
            }

            try
            {
                done.TrySetResult(work());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }, CancellationToken.None);

        // A blocking wait, as the lock it replaces: the model's API is synchronous. GetResult rethrows the work's own exception.
        return done.Task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Run{T}(Func{T}, CancellationToken)"/>
    public void Run(Action work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        Run(() =>
        {
            work();
            return true;
        }, cancellationToken);
    }

    /// <summary>Lets the work already asked for finish, then ends the thread.</summary>
    public void Dispose()
    {
        if (!_work.IsAddingCompleted)
        {
            _work.CompleteAdding();
            if (!IsCurrent)
            {
                _thread.Join();
            }
        }
    }

    private void RunWork()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
