using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>What the swarm's agents saw, counted as it happens.</summary>
internal sealed class SwarmRun
{
    private readonly ConcurrentBag<double> _refillMilliseconds = [];
    private readonly ConcurrentQueue<long> _finishedAt = new();
    private int _offered;
    private int _working;
    private int _finished;

    public CallRecorder Calls { get; } = new();

    public int OfferCount => Volatile.Read(ref _offered);

    public int Working => Volatile.Read(ref _working);

    public int FinishedCount => Volatile.Read(ref _finished);

    /// <summary>When each result was accepted by the server (Stopwatch timestamps), in order.</summary>
    public IReadOnlyList<long> FinishedAt => [.. _finishedAt];

    public IReadOnlyList<double> RefillMilliseconds => [.. _refillMilliseconds.Order()];

    public void Offered() => Interlocked.Increment(ref _offered);

    public void Refilled(TimeSpan emptyFor) => _refillMilliseconds.Add(emptyFor.TotalMilliseconds);

    public void Started() => Interlocked.Increment(ref _working);

    public void Ended() => Interlocked.Decrement(ref _working);

    public void Finished()
    {
        _finishedAt.Enqueue(Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _finished);
    }
}
