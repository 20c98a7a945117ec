using System.Diagnostics;

namespace ClawGroups.Benchmarks.AgentCalls;

/// <summary>
/// The server process's CPU time (user + system, all its threads) as the kernel counts it: read around each call, a
/// serial benchmark charges each call with what the server computed meanwhile. Less noisy than wall time on a shared
/// machine (another process's work is not counted), but work the server does off the request (a pass, the live pump)
/// lands on whichever call was in flight.
/// </summary>
internal sealed class ServerCpu(int processId) : IDisposable
{
    private readonly Process _process = Process.GetProcessById(processId);

    public TimeSpan Now()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public void Dispose() => _process.Dispose();
}
