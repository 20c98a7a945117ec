using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>How the benchmarks' agents call: a failure is counted by the recorder, not thrown; a stop ends a wait quietly.</summary>
internal static class QuietCalls
{
    /// <summary>Runs a call whose failure the recorder has counted; true when it succeeded.</summary>
    public static async Task<bool> Quietly<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public static async Task Delay(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
