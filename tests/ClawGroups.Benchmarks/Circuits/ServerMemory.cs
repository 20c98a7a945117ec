using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClawGroups.Testing.Apps;
using static System.FormattableString;

namespace ClawGroups.Benchmarks.Circuits;

/// <summary>The server's memory seen from outside: resident set from /proc, managed heap from the runtime's own counters.</summary>
internal static class ServerMemory
{
    /// <summary>What a circuit keeps for each component it rendered.</summary>
    private const string ComponentState = "Microsoft.AspNetCore.Components.Server.Circuits.RemoteComponentState";

    private const string MostNumerous = "most numerous MudBlazor and app types, and the circuits' components:";

    /// <summary>Median of a few RSS samples a second apart: one sample catches the GC mid-cycle.</summary>
    public static async Task<long> ResidentMedianAsync(AppProcess app, int samples = 5)
    {
        var values = new List<long>();
        for (var i = 0; i < samples; i++)
        {
            values.Add(app.ResidentBytes());
            if (i + 1 < samples)
                await Task.Delay(1000);
        }

        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>
    /// Takes a heap dump with dotnet-gcdump, which first makes the server collect all its garbage (a full, blocking
    /// collection): readings right after it count what is alive, not what a lazy generation 2 has not collected yet.
    /// Returns the biggest types of the dump (dotnet-gcdump's report), or nothing when the tool is not installed.
    /// </summary>
    /// <remarks>With <paramref name="fullReport"/>, dotnet-gcdump's whole report is also written there (every type, to compare two dumps).</remarks>
    public static async Task<IReadOnlyList<string>> CollectAndReportAsync(int processId, int types = 15, string? fullReport = null)
    {
        var dump = Path.Combine(Path.GetTempPath(), $"claw-{Guid.NewGuid():N}.gcdump");
        try
        {
            var collected = await RunToolAsync("dotnet-gcdump", ["collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", dump]);
            if (collected is null || !File.Exists(dump))
                return [];
            var report = (await RunToolAsync("dotnet-gcdump", ["report", dump]) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fullReport is not null)
            {
                await File.WriteAllLinesAsync(fullReport, report);
            }

            // The report lists each type per size class (over 100 KB, over 10 KB, …) with an object's size and the count;
            // the rows that hold the most (size × count) come first here.
            var byType = report.Select(line => (Line: line, Parts: line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries)))
                .Where(row => row.Parts.Length == 3 && long.TryParse(row.Parts[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _)
                    && long.TryParse(row.Parts[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _))
                .OrderByDescending(row => long.Parse(row.Parts[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture)
                    * long.Parse(row.Parts[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture))
                .Select(row => row.Line);
            // Then the components the circuits hold, most numerous first: what a board costs is mostly how many it renders.
            var components = report.Select(line => line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length == 3 && (parts[2].StartsWith("MudBlazor.", StringComparison.Ordinal)
                    || parts[2].StartsWith("ClawGroups.Web.Components.", StringComparison.Ordinal)
                    || parts[2].StartsWith(ComponentState + " ", StringComparison.Ordinal)))
                .Select(parts => (Count: long.TryParse(parts[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) ? n : 0, Type: parts[2]))
                .GroupBy(row => row.Type, StringComparer.Ordinal)
                .Select(type => (Count: type.Sum(row => row.Count), Type: type.Key))
                .OrderByDescending(row => row.Count)
                .Take(2 * types)
                .Select(row => Invariant($"{row.Count,10:N0}  {row.Type}"));
            return [.. report.Take(2), .. byType.Take(types), MostNumerous, .. components];
        }
        finally
        {
            File.Delete(dump);
        }
    }

    /// <summary>The live bytes a dump's report (<see cref="CollectAndReportAsync"/>) counted; null without one.</summary>
    public static long? LiveBytes(IReadOnlyList<string> report)
        => report.Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 2 && parts[1] == "GC Heap bytes")
            .Select(parts => (long?)long.Parse(parts[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture))
            .FirstOrDefault();

    /// <summary>How many components the circuits held when a dump's report (<see cref="CollectAndReportAsync"/>) was taken; null without one.</summary>
    public static long? Components(IReadOnlyList<string> report)
        => report.SkipWhile(line => line != MostNumerous)
            .Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 2 && parts[1].TrimStart().StartsWith(ComponentState + " ", StringComparison.Ordinal))
            .Select(parts => (long?)long.Parse(parts[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture))
            .FirstOrDefault();

    private static async Task<string?> RunToolAsync(string name, string[] arguments)
    {
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", name);
        var start = new ProcessStartInfo(File.Exists(tool) ? tool : name) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start);
            if (process is null)
                return null;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? await output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// The managed heap as the last garbage collection left it (<c>dotnet.gc.last_collection.heap.size</c>, summed over the
    /// generations), read with dotnet-counters for a few seconds; null when the tool is not installed or said nothing.
    /// </summary>
    public static async Task<long?> GcHeapAfterLastCollectionAsync(int processId)
    {
        var tool = new[] { Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-counters") }
            .FirstOrDefault(File.Exists) ?? "dotnet-counters";
        var output = Path.Combine(Path.GetTempPath(), $"claw-counters-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "--counters", "System.Runtime", "--format", "json", "-o", output, "--duration", "00:00:00:04" })
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start);
            if (process is null)
                return null;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (!File.Exists(output))
                return null;
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var sizes = document.RootElement.GetProperty("Events").EnumerateArray()
                .Where(e => e.GetProperty("name").GetString()?.StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal) == true)
                .Select(e => (Time: e.GetProperty("timestamp").GetString(), Tags: e.GetProperty("tags").GetString(), Value: e.GetProperty("value").GetDouble()))
                .ToList();
            if (sizes.Count == 0)
                return null;
            // One event per generation per interval, each with its own timestamp: the latest of each generation, summed.
            return (long)sizes.GroupBy(s => s.Tags).Sum(generation => generation.MaxBy(s => s.Time).Value);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
        finally
        {
            File.Delete(output);
        }
    }
}
