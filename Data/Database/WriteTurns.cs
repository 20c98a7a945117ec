namespace ClawGroups.Data.Database;

/// <summary>
/// One writer at a time, in two lines: writers marked <see cref="WritePriority.Ahead"/> take the next turn before any writer
/// queued in the ordinary line, and each line is first come, first served. A turn is handed straight from the writer that ends
/// it to the next one, so it is never free while anyone waits. Waiting holds no thread.
/// </summary>
public sealed class WriteTurns
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource<bool>> _ahead = new();
    private readonly Queue<TaskCompletionSource<bool>> _ordinary = new();
    private bool _taken;

    /// <summary>Takes the turn if nobody has it; never waits.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_taken)
            {
                return false;
            }

            _taken = true;
            return true;
        }
    }

    /// <summary>Waits for the turn; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(bool ahead, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = Join(ahead);
        if (waiter is null)
        {
            return true;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // Giving up and being handed the turn can race: whichever completes the waiter first wins, so a turn handed over is
        // never lost. A writer handed the turn as it gave up keeps it.
        await using (deadline.Token.UnsafeRegister(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), waiter))
        {
            if (await waiter.Task)
            {
                return true;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    /// <summary>Waits for the turn, blocking the thread (for EF's synchronous calls); false when <paramref name="timeout"/> passed first.</summary>
    public bool Wait(bool ahead, TimeSpan timeout)
    {
        var waiter = Join(ahead);
        if (waiter is null)
        {
            return true;
        }

        return waiter.Task.Wait(timeout) || !waiter.TrySetResult(false);
    }

    /// <summary>Ends the turn: hands it to the first writer waiting ahead, else to the first in the ordinary line.</summary>
    public void Release()
    {
        while (true)
        {
            TaskCompletionSource<bool>? next;
            lock (_lock)
            {
                if (!_ahead.TryDequeue(out next) && !_ordinary.TryDequeue(out next))
                {
                    _taken = false;
                    return;
                }
            }

            // One that gave up already is passed over.
            if (next.TrySetResult(true))
            {
                return;
            }
        }
    }

    /// <summary>Takes the free turn (null), or joins a line and returns the waiter the turn will be handed to.</summary>
    private TaskCompletionSource<bool>? Join(bool ahead)
    {
        lock (_lock)
        {
            if (!_taken)
            {
                _taken = true;
                return null;
            }

            // Run elsewhere: the writer handing the turn over is inside its own commit.
            var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            (ahead ? _ahead : _ordinary).Enqueue(waiter);
            return waiter;
        }
    }
}
