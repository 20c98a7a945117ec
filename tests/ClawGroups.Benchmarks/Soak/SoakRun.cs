using System.Collections.Concurrent;
using System.Diagnostics;
using ClawGroups.Benchmarks.Swarm;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>What the soak's agents and its feed saw, counted as it happens: the outside half of the ledger.</summary>
internal sealed class SoakRun(int nodes)
{
    private readonly ConcurrentQueue<long> _createdAt = new();
    private readonly ConcurrentQueue<long> _finishedAt = new();
    private readonly ConcurrentDictionary<string, int> _resultsTaken = new(StringComparer.Ordinal);
    private readonly long[] _callsPerNode = new long[nodes];
    private int _lateResults;
    private int _declines;
    private int _silences;
    private int _revocations;
    private int _working;

    public CallRecorder Calls { get; } = new();

    /// <summary>When each item was created (the API's 201), Stopwatch timestamps in order.</summary>
    public IReadOnlyList<long> CreatedAt => [.. _createdAt];

    /// <summary>When each result was taken (the API's 200 to a result), Stopwatch timestamps in order.</summary>
    public IReadOnlyList<long> FinishedAt => [.. _finishedAt];

    public int CreatedCount => _createdAt.Count;

    public int FinishedCount => _finishedAt.Count;

    /// <summary>Items whose result the server took more than once, from the agents' side: each take is one attempt's result.</summary>
    public int TakenTwice => _resultsTaken.Values.Count(taken => taken > 1);

    /// <summary>Results answered 409 because the attempt's lease was revoked before they came: kept for people, not taken.</summary>
    public int LateResults => Volatile.Read(ref _lateResults);

    public int Declines => Volatile.Read(ref _declines);

    public int Silences => Volatile.Read(ref _silences);

    /// <summary>Runs an agent stopped because the server took the item back (a webhook's work.revoked, or a lease gone on progress).</summary>
    public int Revocations => Volatile.Read(ref _revocations);

    public int Working => Volatile.Read(ref _working);

    public IReadOnlyList<long> CallsPerNode => [.. _callsPerNode];

    public void Created() => _createdAt.Enqueue(Stopwatch.GetTimestamp());

    public void ResultTaken(string workItemId)
    {
        _resultsTaken.AddOrUpdate(workItemId, 1, (_, taken) => taken + 1);
        _finishedAt.Enqueue(Stopwatch.GetTimestamp());
    }

    public void LateResult() => Interlocked.Increment(ref _lateResults);

    public void Declined() => Interlocked.Increment(ref _declines);

    public void FellSilent() => Interlocked.Increment(ref _silences);

    public void Revoked() => Interlocked.Increment(ref _revocations);

    public void Started() => Interlocked.Increment(ref _working);

    public void Ended() => Interlocked.Decrement(ref _working);

    /// <summary>A call to <paramref name="node"/>, answered or not.</summary>
    public void Called(int node) => Interlocked.Increment(ref _callsPerNode[node]);
}
