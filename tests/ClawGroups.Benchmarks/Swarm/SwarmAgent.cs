using System.Collections.Concurrent;
using System.Diagnostics;
using ClawGroups.AgentSimulator.Api;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// A lean pull agent of the swarm, written against the contract alone: heartbeats every 10 s, long-polls for work,
/// accepts, works 1–3 s with one progress report half-way, posts its result. It notes when each slot frees and
/// when the next offer comes, so that the time a freed slot stands empty can be read from outside. Lean on purpose:
/// the benchmark shares the machine with the server, and every cycle the agents spend is one the server lacks.
/// </summary>
internal sealed class SwarmAgent(ClawApiClient api, string agentId, int capacity, SwarmRun run)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);
    private const int PullWaitSeconds = 10;

    /// <summary>When each of this agent's slots freed (Stopwatch timestamps), oldest first, not yet refilled.</summary>
    private readonly ConcurrentQueue<long> _freed = new();

    public int Capacity => capacity;

    public Task RunAsync(CancellationToken stopping) => Task.WhenAll(HeartbeatAsync(stopping), PullAsync(stopping));

    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        // Spread the first heartbeat over the interval, as agents started at different moments would.
        await Delay(TimeSpan.FromMilliseconds(Random.Shared.Next((int)HeartbeatInterval.TotalMilliseconds)), stopping);
        while (!stopping.IsCancellationRequested)
        {
            await Quietly(() => run.Calls.TimeAsync("heartbeat", () => api.HeartbeatAsync(agentId, new Heartbeat(HeartbeatStatus.Busy), cancellationToken: stopping), stopping));
            await Delay(HeartbeatInterval, stopping);
        }
    }

    private async Task PullAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            WorkItem? item = null;
            try
            {
                item = await run.Calls.TimeAsync("pull (long poll)", () => api.PullWorkAsync(agentId, PullWaitSeconds, stopping), stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested && e is ClawApiException or HttpRequestException or TaskCanceledException)
            {
                await Delay(TimeSpan.FromSeconds(1), stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // The run is over: not a failure of the server.
                return;
            }

            if (item is null)
                continue;
            var now = Stopwatch.GetTimestamp();
            if (_freed.TryDequeue(out var freedAt))
                run.Refilled(freedAt, now);
            run.Offered();
            if (await Quietly(() => run.Calls.TimeAsync("accept", () => api.AcceptAsync(item.Id, Guid.NewGuid().ToString("N"), stopping), stopping)))
            {
                run.Accepted(item.Id);
                _ = WorkAsync(item, stopping);
            }
        }
    }

    private async Task WorkAsync(WorkItem item, CancellationToken stopping)
    {
        run.Started();
        try
        {
            var half = TimeSpan.FromMilliseconds(Random.Shared.Next(500, 1500));
            await Delay(half, stopping);
            await Quietly(() => run.Calls.TimeAsync("progress", () => api.ReportProgressAsync(
                item.Id, new ProgressReport(0.5, "half-way"), Guid.NewGuid().ToString("N"), stopping), stopping));
            await Delay(half, stopping);
            var result = new WorkResult("done", [new Artifact("result.md", "text/markdown", "# Done\n")]);
            if (await Quietly(() => run.Calls.TimeAsync("result", () => api.SubmitResultAsync(item.Id, result, Guid.NewGuid().ToString("N"), stopping), stopping)))
                run.Finished();
        }
        finally
        {
            _freed.Enqueue(Stopwatch.GetTimestamp());
            run.Ended();
        }
    }
}
