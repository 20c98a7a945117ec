using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>What each kind of call took, seen by the caller, and every call that failed with its status.</summary>
internal sealed class CallRecorder
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<(long Started, double Milliseconds)>> _milliseconds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _firstSaid = new(StringComparer.Ordinal);

    public int FailureCount => _failures.Values.Sum();

    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>What the server said the first time each kind of failure happened (its problem's title and detail).</summary>
    public IReadOnlyDictionary<string, string> FirstSaid => _firstSaid;

    /// <summary>
    /// Times <paramref name="call"/> as <paramref name="endpoint"/>; a failure is counted and rethrown, except a call cut off
    /// because the run is <paramref name="stopping"/> (pass the token the call itself was given).
    /// </summary>
    public async Task<T> TimeAsync<T>(string endpoint, Func<Task<T>> call, CancellationToken stopping = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call();
            _milliseconds.GetOrAdd(endpoint, _ => []).Add((started, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            return result;
        }
        catch (Exception e) when (!stopping.IsCancellationRequested && e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            var what = e is ClawApiException api ? ((int)api.StatusCode).ToString(CultureInfo.InvariantCulture) : e.GetType().Name;
            _failures.AddOrUpdate($"{endpoint} {what}", 1, (_, count) => count + 1);
            _firstSaid.TryAdd($"{endpoint} {what}", e.Message);
            throw;
        }
    }

    /// <summary>Each kind of call's times, sorted; with <paramref name="since"/> (a Stopwatch timestamp), only calls begun from then on.</summary>
    public IEnumerable<(string Endpoint, IReadOnlyList<double> Sorted)> Endpoints(long since = 0) =>
        _milliseconds.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => (pair.Key, (IReadOnlyList<double>)[.. pair.Value.Where(call => call.Started >= since).Select(call => call.Milliseconds).Order()]))
            .Where(endpoint => endpoint.Item2.Count > 0);

    /// <summary>Each kind of call's count and percentiles as a markdown table; with <paramref name="since"/>, of calls begun from then on.</summary>
    public void WriteTable(TextWriter output, long since = 0)
    {
        output.WriteLine("| call | count | p50 ms | p95 ms | p99 ms | max ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (endpoint, sorted) in Endpoints(since))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {endpoint} | {sorted.Count:N0} | {Milliseconds(sorted, 0.5)} | {Milliseconds(sorted, 0.95)} | {Milliseconds(sorted, 0.99)} | {Milliseconds(sorted, 1)} |"));
        }
    }

    /// <summary>
    /// What the calls begun in each <paramref name="bucket"/> from <paramref name="started"/> (a Stopwatch timestamp) up to
    /// <paramref name="until"/> took, every kind but <paramref name="except"/> together: when in a run its slow calls came.
    /// </summary>
    public void WriteTimeline(TextWriter output, long started, TimeSpan bucket, TimeSpan until, string except)
    {
        var ticksPerBucket = (long)(bucket.TotalSeconds * Stopwatch.Frequency);
        var buckets = (int)Math.Ceiling(until / bucket);
        var calls = _milliseconds.Where(pair => pair.Key != except)
            .SelectMany(pair => pair.Value.Select(call => (pair.Key, call.Started, call.Milliseconds)))
            .Where(call => call.Started >= started && call.Started < started + buckets * ticksPerBucket)
            .ToLookup(call => (int)((call.Started - started) / ticksPerBucket));
        output.WriteLine("| from s | calls | p50 ms | p99 ms | max ms | slowest kind |");
        output.WriteLine("|---:|---:|---:|---:|---:|---|");
        for (var i = 0; i < buckets; i++)
        {
            var sorted = calls[i].Select(call => call.Milliseconds).Order().ToList();
            // A step in which no call began (the run ended before the timeline did) has no slowest kind.
            var slowest = calls[i].Any() ? calls[i].MaxBy(call => call.Milliseconds).Key : "–";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(i * bucket).TotalSeconds:0} | {sorted.Count:N0} | {Milliseconds(sorted, 0.5)} | {Milliseconds(sorted, 0.99)} | {Milliseconds(sorted, 1)} | {slowest} |"));
        }
    }

    /// <summary>A percentile of sorted milliseconds, whole, or a dash for none.</summary>
    public static string Milliseconds(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? "–" : Percentile(sorted, fraction).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>The nearest-rank percentile of sorted values (NaN for none).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
