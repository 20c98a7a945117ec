using System.Diagnostics;

namespace ClawGroups.Data.Database;

/// <summary>
/// One writer at a time, in two lines: writers marked <see cref="WritePriority.Ahead"/> take the next turn before any writer
/// queued in the ordinary line, and each line is first come, first served. A turn is handed straight from the writer that ends
/// it to the next one, so it is never free while anyone waits. Waiting holds no thread.
/// </summary>
public sealed class WriteTurns
{
    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _ahead = new();
    private readonly Queue<Waiter> _ordinary = new();
    private bool _taken;

    // What the turns have cost so far, for WriteGateReport: counted under the lock the turns take anyway.
    private long _turns;
    private long _heldTicks;
    private long _heldSince;
    private long _waits;
    private long _waitedTicks;
    private long _handOverTicks;
    private int _mostWaiting;

    /// <summary>The turns taken so far, how long they were held, and how long writers waited for them.</summary>
    public WriteGateStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                var held = _heldTicks + (_taken ? Stopwatch.GetTimestamp() - _heldSince : 0);
                var most = _mostWaiting;
                _mostWaiting = _ahead.Count + _ordinary.Count;
                return new WriteGateStatistics(_turns, Stopwatch.GetElapsedTime(0, held), _waits, Stopwatch.GetElapsedTime(0, _waitedTicks), most,
                    Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _handOverTicks)));
            }
        }
    }

    /// <summary>Takes the turn if nobody has it; never waits.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_taken)
            {
                return false;
            }

            Take(Stopwatch.GetTimestamp());
            return true;
        }
    }

    /// <summary>Waits for the turn; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(bool ahead, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var joined = Join(ahead);
        if (joined is null)
        {
            return true;
        }

        var waiter = joined.Turn;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // Giving up and being handed the turn can race: whichever completes the waiter first wins, so a turn handed over is
        // never lost. A writer handed the turn as it gave up keeps it.
        await using (deadline.Token.UnsafeRegister(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), waiter))
        {
            if (await waiter.Task.ConfigureAwait(false))
            {
                Interlocked.Add(ref _handOverTicks, Stopwatch.GetTimestamp() - joined.HandedAt);
                return true;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    /// <summary>Waits for the turn, blocking the thread (for EF's synchronous calls); false when <paramref name="timeout"/> passed first.</summary>
    public bool Wait(bool ahead, TimeSpan timeout)
    {
        var waiter = Join(ahead)?.Turn;
        if (waiter is null)
        {
            return true;
        }

        return waiter.Task.Wait(timeout) || !waiter.TrySetResult(false);
    }

    /// <summary>
    /// Ends the turn: hands it to the first writer waiting ahead, else to the first in the ordinary line. True when it was
    /// handed to a writer, false when nobody waited and the turn is free.
    /// </summary>
    public bool Release()
    {
        while (true)
        {
            Waiter? next;
            long waited;
            lock (_lock)
            {
                var now = Stopwatch.GetTimestamp();
                _heldTicks += now - _heldSince;
                if (!_ahead.TryDequeue(out next) && !_ordinary.TryDequeue(out next))
                {
                    _taken = false;
                    return false;
                }

                // Counted as handed over; undone below if this one gave up already.
                Take(now);
                waited = now - next.JoinedAt;
                next.HandedAt = now;
                (_waits, _waitedTicks) = (_waits + 1, _waitedTicks + waited);
            }

            // One that gave up already is passed over.
            if (next.Turn.TrySetResult(true))
            {
                return true;
            }

            lock (_lock)
            {
                (_turns, _waits, _waitedTicks) = (_turns - 1, _waits - 1, _waitedTicks - waited);
            }
        }
    }

    /// <summary>Takes the free turn (null), or joins a line and returns the waiter the turn will be handed to.</summary>
    private Waiter? Join(bool ahead)
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            if (!_taken)
            {
                Take(now);
                return null;
            }

            // Run elsewhere: the writer handing the turn over is inside its own commit.
            var waiter = new Waiter(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), now);
            (ahead ? _ahead : _ordinary).Enqueue(waiter);
            _mostWaiting = Math.Max(_mostWaiting, _ahead.Count + _ordinary.Count);
            return waiter;
        }
    }

    private void Take(long now)
    {
        _taken = true;
        _heldSince = now;
        _turns++;
    }

    private sealed record Waiter(TaskCompletionSource<bool> Turn, long JoinedAt)
    {
        /// <summary>When the turn was handed to this writer; it holds the turn from then, running or not.</summary>
        public long HandedAt;
    }
}
