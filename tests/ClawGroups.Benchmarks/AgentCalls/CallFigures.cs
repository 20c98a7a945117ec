using System.Globalization;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Benchmarks.AgentCalls;

/// <summary>
/// Per kind of call, what each answer's <c>Server-Timing</c> header said (database commands, their time, and the request's
/// time on the server), and the server process's CPU time while the call was in flight.
/// </summary>
internal sealed class CallFigures
{
    private readonly Dictionary<string, List<(int Commands, double DbMs, double AppMs, double CpuMs, long Allocated, int Turns)>> _calls = new(StringComparer.Ordinal);

    public void Add(string call, ClawApiResponse response, TimeSpan serverCpu)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.TryGetValues("Server-Timing", out var values) ? string.Join(", ", values) : "";
        if (!_calls.TryGetValue(call, out var list))
            _calls[call] = list = [];
        var (commands, db, app, allocated, turns) = Parse(header);
        list.Add((commands, db, app, serverCpu.TotalMilliseconds, allocated, turns));
    }

    /// <summary>
    /// The CPU column is a mean: the kernel counts a process's CPU time in ticks (10 ms here), longer than many calls, so
    /// one call's figure is 0 or a tick and only the sum over many calls means something.
    /// </summary>
    public void WriteTable(TextWriter output)
    {
        output.WriteLine("| call | answers | database commands (min / median / max) | their time, median ms | on the server, median ms | server CPU, mean ms | allocated, median KB | SQLite write turns (min / max) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (call, list) in _calls)
        {
            var commands = list.Select(c => c.Commands).Order().ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {call} | {list.Count} | {commands[0]} / {commands[commands.Count / 2]} / {commands[^1]} | {Median(list.Select(c => c.DbMs)):0.00} | {Median(list.Select(c => c.AppMs)):0.00} | {list.Average(c => c.CpuMs):0.0} | {Median(list.Select(c => c.Allocated / 1024.0)):0.0} | {list.Min(c => c.Turns)} / {list.Max(c => c.Turns)} |"));
        }

        var all = _calls.Values.SelectMany(list => list).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"all {all.Count} calls: server CPU {all.Sum(c => c.CpuMs) / 1000:0.00} s ({all.Average(c => c.CpuMs):0.0} ms a call), on the server {all.Sum(c => c.AppMs) / 1000:0.00} s, allocated {all.Sum(c => c.Allocated) / 1048576.0:0.0} MB"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>
    /// Reads <c>db;desc="7";dur=1.9, app;dur=4.2, alloc;desc="183112", turns;desc="2"</c>; a missing header is a server without
    /// counting on, and fails. (A server from before the allocation or the turns figure reads 0.)
    /// </summary>
    private static (int Commands, double DbMs, double AppMs, long Allocated, int Turns) Parse(string header)
    {
        int? commands = null;
        double db = 0, app = 0;
        long allocated = 0;
        var turns = 0;
        foreach (var metric in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = metric.Split(';', StringSplitOptions.TrimEntries);
            var duration = parts.FirstOrDefault(p => p.StartsWith("dur=", StringComparison.Ordinal)) is { } dur
                ? double.Parse(dur[4..], CultureInfo.InvariantCulture)
                : 0;
            if (parts[0] == "db")
            {
                commands = int.Parse(parts.First(p => p.StartsWith("desc=", StringComparison.Ordinal))[5..].Trim('"'), CultureInfo.InvariantCulture);
                db = duration;
            }
            else if (parts[0] == "app")
            {
                app = duration;
            }
            else if (parts[0] == "alloc")
            {
                allocated = long.Parse(parts.First(p => p.StartsWith("desc=", StringComparison.Ordinal))[5..].Trim('"'), CultureInfo.InvariantCulture);
            }
            else if (parts[0] == "turns")
            {
                turns = int.Parse(parts.First(p => p.StartsWith("desc=", StringComparison.Ordinal))[5..].Trim('"'), CultureInfo.InvariantCulture);
            }
        }

        return commands is { } count ? (count, db, app, allocated, turns) : throw new InvalidOperationException($"No database figures in Server-Timing '{header}'.");
    }
}
