using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace ClawGroups.Benchmarks.Allocations;

/// <summary>
/// Where a running app's allocated bytes come from: the runtime's allocation ticks (one about every 100 KB allocated, naming
/// the type and carrying the stack) recorded over EventPipe, then summed by type and by the innermost frame of this product
/// (or EF Core) that allocated them. What a CPU profile cannot say: the GC's own threads took 17 % of the swarm server's
/// samples (docs/PERFORMANCE.md), and this names the code that made them work.
/// </summary>
internal static class AllocationTrace
{
    /// <summary>Records <paramref name="process"/>'s allocation ticks for <paramref name="duration"/> into <paramref name="file"/> (a .nettrace).</summary>
    public static async Task RecordAsync(int process, TimeSpan duration, string file, CancellationToken cancellationToken = default)
    {
        var client = new DiagnosticsClient(process);
        // GC verbose for the ticks; the loader and JIT keywords let the stacks' addresses be named from the rundown.
        var keywords = ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.Jit
            | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap;
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)keywords)], requestRundown: true, token: cancellationToken);
        await using var output = File.Create(file);
        var copying = session.EventStream.CopyToAsync(output, cancellationToken);
        await Task.Delay(duration, cancellationToken);
        await session.StopAsync(cancellationToken);
        await copying;
    }

    /// <summary>
    /// Prints the sampled bytes by type, and by type with the innermost product or EF Core frame that allocated them;
    /// <paramref name="largeOnly"/> keeps the large object heap's (85,000 bytes or more), whose budget running out starts a
    /// full collection.
    /// </summary>
    public static int Report(TextWriter output, string file, int top, bool largeOnly = false)
    {
        if (!File.Exists(file))
        {
            output.WriteLine($"no trace at {file}: record one with swarm --alloc-trace {file}");
            return 2;
        }

        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(file));
        var byType = new Dictionary<string, double>(StringComparer.Ordinal);
        var byTypeAndFrame = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        var collections = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var data in log.Events)
        {
            if (data is GCStartTraceData start)
            {
                var kind = $"gen{start.Depth} {start.Type}, {start.Reason}";
                collections[kind] = collections.GetValueOrDefault(kind) + 1;
            }

            if (data is not GCAllocationTickTraceData tick || (largeOnly && tick.AllocationKind != GCAllocationKind.Large))
            {
                continue;
            }

            total += tick.AllocationAmount64;
            byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
            var where = InnermostOwnFrame(data.CallStack()) ?? "(no product or EF Core frame)";
            var key = $"{tick.TypeName}  <=  {where}";
            byTypeAndFrame[key] = byTypeAndFrame.GetValueOrDefault(key) + tick.AllocationAmount64;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1048576:N0} MiB sampled in {(largeOnly ? "the large object heap's " : "")}allocation ticks"));
        output.WriteLine("collections started, by generation, kind and reason:");
        foreach (var (kind, count) in collections.OrderByDescending(pair => pair.Value))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,5}  {kind}"));
        }

        output.WriteLine("by type:");
        Write(output, byType, total, top);
        output.WriteLine("by type and the innermost ClawGroups or EF Core frame that allocated it:");
        Write(output, byTypeAndFrame, total, top);
        return total > 0 ? 0 : 1;
    }

    private static string? InnermostOwnFrame(TraceCallStack? stack)
    {
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var module = frame.CodeAddress.ModuleName ?? "";
            if (module.StartsWith("ClawGroups", StringComparison.Ordinal) || module.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
            {
                return $"{module}!{frame.CodeAddress.FullMethodName}";
            }
        }

        return null;
    }

    private static void Write(TextWriter output, Dictionary<string, double> bytes, double total, int top)
    {
        foreach (var (what, amount) in bytes.OrderByDescending(pair => pair.Value).Take(top))
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"  {100 * amount / total,5:0.0} %  {what}");
            output.WriteLine(line.Length > 240 ? line[..240] + "…" : line);
        }
    }
}
