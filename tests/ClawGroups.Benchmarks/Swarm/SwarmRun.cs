using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>What the swarm's agents saw, counted as it happens.</summary>
internal sealed class SwarmRun
{
    private readonly ConcurrentBag<(long RefilledAt, double Milliseconds)> _refills = [];
    private readonly ConcurrentDictionary<string, long> _createdAt = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(long CreatedAt, double Milliseconds)> _createdToAccepted = [];
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

    public IReadOnlyList<double> RefillMilliseconds => [.. _refills.Select(refill => refill.Milliseconds).Order()];

    /// <summary>Each refill's wait with when it ended (a Stopwatch timestamp), for a timeline of where the tail comes from.</summary>
    public IReadOnlyList<(long RefilledAt, double Milliseconds)> Refills => [.. _refills];

    /// <summary>
    /// From each item's creation (its 201) to its first accepted offer (the accept's 200), sorted; with <paramref name="since"/>
    /// (a Stopwatch timestamp), of items created from then on.
    /// </summary>
    public IReadOnlyList<double> CreatedToAcceptedMilliseconds(long since = 0) =>
        [.. _createdToAccepted.Where(wait => wait.CreatedAt >= since).Select(wait => wait.Milliseconds).Order()];

    public void Offered() => Interlocked.Increment(ref _offered);

    public void Created(string itemId) => _createdAt.TryAdd(itemId, Stopwatch.GetTimestamp());

    /// <summary>An accept answered 200; only an item's first counts (a later attempt is a re-offer, not the wait after creation).</summary>
    public void Accepted(string itemId)
    {
        if (_createdAt.TryRemove(itemId, out var createdAt))
            _createdToAccepted.Add((createdAt, Stopwatch.GetElapsedTime(createdAt).TotalMilliseconds));
    }

    /// <summary>A slot freed at <paramref name="freedAt"/> was offered work at <paramref name="offeredAt"/> (Stopwatch timestamps).</summary>
    public void Refilled(long freedAt, long offeredAt) => _refills.Add((offeredAt, Stopwatch.GetElapsedTime(freedAt, offeredAt).TotalMilliseconds));

    public void Started() => Interlocked.Increment(ref _working);

    public void Ended() => Interlocked.Decrement(ref _working);

    public void Finished()
    {
        _finishedAt.Enqueue(Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _finished);
    }
}
