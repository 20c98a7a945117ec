using System.Globalization;
using System.Text.RegularExpressions;
using ClawGroups.Testing.Apps;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// The app nodes of the soak, each its own process on the one database, with what is read from outside them: resident
/// memory sampled through the run, CPU time, and from each one's log the offers its assignment passes made.
/// </summary>
internal sealed partial class SoakNodes(IReadOnlyList<AppProcess> apps, IReadOnlyList<string> logPaths) : IAsyncDisposable
{
    private readonly List<(double Seconds, long[] Resident)> _samples = [];
    private readonly TimeSpan[] _cpuAtStart = [.. apps.Select(app => app.ProcessorTime())];

    public IReadOnlyList<AppProcess> Apps => apps;

    public IReadOnlyList<string> LogPaths => logPaths;

    public int Count => apps.Count;

    /// <summary>Resident memory of every node, per sample, from the start of the run.</summary>
    public IReadOnlyList<(double Seconds, long[] Resident)> Samples => _samples;

    public AppProcess? Exited => apps.FirstOrDefault(app => app.HasExited);

    /// <summary>The most Hangfire jobs seen waiting in the shared queues at once (no worker had fetched them yet).</summary>
    public int MostJobsWaiting { get; private set; }

    public void JobsWaiting(int waiting) => MostJobsWaiting = Math.Max(MostJobsWaiting, waiting);

    public void Sample(double seconds) => _samples.Add((seconds, [.. apps.Select(app => app.ResidentBytes())]));

    /// <summary>CPU each node has used since the run began.</summary>
    public IReadOnlyList<TimeSpan> CpuSinceStart() => [.. apps.Select((app, i) => app.ProcessorTime() - _cpuAtStart[i])];

    /// <summary>
    /// The median resident memory of <paramref name="node"/> over the samples from <paramref name="from"/> to
    /// <paramref name="to"/> (fractions of the run): one sample can catch the collector mid-cycle.
    /// </summary>
    public long ResidentMedian(int node, double from, double to)
    {
        var end = _samples.Count == 0 ? 0 : _samples[^1].Seconds;
        var window = _samples.Where(s => s.Seconds >= from * end && s.Seconds <= to * end).Select(s => s.Resident[node]).Order().ToList();
        return window.Count == 0 ? 0 : window[window.Count / 2];
    }

    /// <summary>Items each node's assignment passes offered, and held for a person, summed from the lines each pass logs.</summary>
    public IReadOnlyList<(long Offered, long Held, int Passes)> OffersFromLogs() =>
        [.. logPaths.Select(path =>
        {
            long offered = 0, held = 0;
            var passes = 0;
            foreach (var line in File.ReadLines(path))
            {
                var pass = PassLine().Match(line);
                if (!pass.Success)
                    continue;
                passes++;
                offered += long.Parse(pass.Groups[1].Value, CultureInfo.InvariantCulture);
                held += long.Parse(pass.Groups[2].Value, CultureInfo.InvariantCulture);
            }

            return (offered, held, passes);
        })];

    // AssignmentPass's LogOffered, once for each pass that got as far as saving its offers.
    [GeneratedRegex(@"Assignment pass offered (\d+) item\(s\) and held (\d+)")]
    private static partial Regex PassLine();

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps)
            await app.DisposeAsync();
    }
}
