using System.Diagnostics;
using System.Globalization;

namespace ClawGroups.Benchmarks.AgentCalls;

/// <summary>
/// A CPU profile of the server while the measured calls run (<c>--trace FILE</c>): <c>perf record</c> sampling the app's
/// process on CPU (999 Hz, call stacks by frame pointer), stopped with SIGINT as a person stops it. perf rather than
/// dotnet-trace: on Linux dotnet-trace's <c>collect</c> samples every managed thread whether it runs or waits (thread time),
/// which for a server mostly waiting on sockets says little about CPU. The app must write a perf map with its JIT-compiled
/// code at addresses perf can read (<see cref="AppSettings"/>). <c>perf script -i FILE</c> then gives the stacks;
/// summarise-perf.py beside this file sums them.
/// </summary>
internal sealed class CpuTrace : IAsyncDisposable
{
    /// <summary>
    /// A perf map in /tmp for the JIT's code, which lives at its one address (not double-mapped through a memfd, where perf
    /// cannot name it), and everything JIT-compiled (framework code precompiled ReadyToRun is in no perf map): slower to
    /// start, the same code once tiered up.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> AppSettings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
        ["DOTNET_ReadyToRun"] = "0",
    };

    private readonly Process _recorder;

    private CpuTrace(Process recorder) => _recorder = recorder;

    public static async Task<CpuTrace> StartAsync(int processId, string path, TextWriter output)
    {
        var start = new ProcessStartInfo("perf") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["record", "-F", "999", "-g", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", path])
            start.ArgumentList.Add(argument);
        var recorder = Process.Start(start) ?? throw new InvalidOperationException("Could not start perf.");
        // perf opens its counters within a few milliseconds; a moment's wait keeps the first measured call in the profile.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        if (recorder.HasExited)
            throw new InvalidOperationException($"perf record stopped: {await recorder.StandardError.ReadToEndAsync()}");
        output.WriteLine($"sampling the server's CPU into {path} (perf record)");
        return new CpuTrace(recorder);
    }

    public async ValueTask DisposeAsync()
    {
        var errors = _recorder.StandardError.ReadToEndAsync();
        if (!_recorder.HasExited)
        {
            using var signal = Process.Start(new ProcessStartInfo("kill", ["-INT", _recorder.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (signal is not null)
                await signal.WaitForExitAsync();
        }

        await _recorder.WaitForExitAsync();
        await errors;
        _recorder.Dispose();
    }
}
