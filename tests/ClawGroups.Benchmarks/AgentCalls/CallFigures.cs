using System.Globalization;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Benchmarks.AgentCalls;

/// <summary>
/// Per kind of call, what each answer's <c>Server-Timing</c> header said: database commands, their time, and the request's
/// time on the server.
/// </summary>
internal sealed class CallFigures
{
    private readonly Dictionary<string, List<(int Commands, double DbMs, double AppMs)>> _calls = new(StringComparer.Ordinal);

    public void Add(string call, ClawApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.TryGetValues("Server-Timing", out var values) ? string.Join(", ", values) : "";
        if (!_calls.TryGetValue(call, out var list))
            _calls[call] = list = [];
        list.Add(Parse(header));
    }

    public void WriteTable(TextWriter output)
    {
        output.WriteLine("| call | answers | database commands (min / median / max) | their time, median ms | on the server, median ms |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (call, list) in _calls)
        {
            var commands = list.Select(c => c.Commands).Order().ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {call} | {list.Count} | {commands[0]} / {commands[commands.Count / 2]} / {commands[^1]} | {Median(list.Select(c => c.DbMs)):0.00} | {Median(list.Select(c => c.AppMs)):0.00} |"));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Reads <c>db;desc="7";dur=1.9, app;dur=4.2</c>; a missing header is a server without counting on, and fails.</summary>
    private static (int Commands, double DbMs, double AppMs) Parse(string header)
    {
        int? commands = null;
        double db = 0, app = 0;
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
        }

        return commands is { } count ? (count, db, app) : throw new InvalidOperationException($"No database figures in Server-Timing '{header}'.");
    }
}
