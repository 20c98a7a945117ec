using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Circuits;

/// <summary>
/// A pull agent that takes one item and keeps reporting progress on it, heartbeating every 10 s as agents do. Its reports
/// are sent by the benchmark's pacer (<see cref="ReportAsync"/>), so the whole swarm reports at a set rate.
/// </summary>
internal sealed class ReportingAgent(ClawApiClient api, string agentId, int group, CallRecorder calls)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);
    private int _reports;

    public int Group => group;

    /// <summary>The item this agent accepted and works on; null until then.</summary>
    public string? ItemId { get; private set; }

    public Task RunAsync(CancellationToken stopping) => Task.WhenAll(HeartbeatAsync(stopping), TakeOneAsync(stopping));

    /// <summary>One progress report on the agent's item with <paramref name="message"/>; true when the server took it.</summary>
    public async Task<bool> ReportAsync(string message, CancellationToken stopping)
    {
        var fraction = Math.Min(0.99, 0.01 + 0.001 * Interlocked.Increment(ref _reports));
        try
        {
            await calls.TimeAsync("progress", () => api.ReportProgressAsync(ItemId!, new ProgressReport(fraction, message), Guid.NewGuid().ToString("N"), stopping), stopping);
            return true;
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        await Delay(TimeSpan.FromMilliseconds(Random.Shared.Next((int)HeartbeatInterval.TotalMilliseconds)), stopping);
        while (!stopping.IsCancellationRequested)
        {
            await Quietly(() => calls.TimeAsync("heartbeat", () => api.HeartbeatAsync(agentId, new Heartbeat(HeartbeatStatus.Busy), cancellationToken: stopping), stopping));
            await Delay(HeartbeatInterval, stopping);
        }
    }

    private async Task TakeOneAsync(CancellationToken stopping)
    {
        while (ItemId is null && !stopping.IsCancellationRequested)
        {
            WorkItem? item = null;
            try
            {
                item = await calls.TimeAsync("pull (long poll)", () => api.PullWorkAsync(agentId, 10, stopping), stopping);
            }
            catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
            {
                await Delay(TimeSpan.FromSeconds(1), stopping);
            }

            if (item is not null && await Quietly(() => calls.TimeAsync("accept", () => api.AcceptAsync(item.Id, Guid.NewGuid().ToString("N"), stopping), stopping)))
                ItemId = item.Id;
        }
    }
}
