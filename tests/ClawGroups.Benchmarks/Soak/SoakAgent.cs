using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.AgentSimulator.Webhooks;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>How a soak agent behaves when it has work.</summary>
internal enum SoakTemperament
{
    /// <summary>Works 1–3 s with one progress report half-way.</summary>
    Steady,

    /// <summary>Works many times as long, reporting progress every few seconds so that it is not taken for stalled.</summary>
    Slow,

    /// <summary>Now and then falls silent mid-item (no heartbeat, no progress, no polls, webhooks refused), then comes back and posts that item's result late.</summary>
    Silent,

    /// <summary>Declines often: at the offer, or half-way through the work.</summary>
    Failing,
}

/// <summary>
/// A lean agent of the soak, written against the contract like the swarm's: heartbeats, takes offers by long poll or by
/// webhook, accepts, reports progress, posts its result, and takes back what the server revokes. Its temperament makes it
/// steady, slow, now and then silent, or failing; what it sees goes into the run's ledger.
/// </summary>
internal sealed class SoakAgent(
    ClawApiClient api, string agentId, int node, string delivery, SoakTemperament temperament, SoakOptions options, SoakRun run, CancellationToken stopping)
{
    private const int PullWaitSeconds = 10;
    private static readonly TimeSpan SlowReportEvery = TimeSpan.FromSeconds(5);

    /// <summary>The items this agent is working on, each with the switch that stops it when the server takes it back.</summary>
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _runs = new(StringComparer.Ordinal);
    private long _silentUntil;
    private int _accepted;

    public string AgentId => agentId;

    public int Node => node;

    public string Delivery => delivery;

    public SoakTemperament Temperament => temperament;

    private bool IsSilent => Stopwatch.GetTimestamp() < Volatile.Read(ref _silentUntil);

    public Task RunAsync() => delivery == AgentDelivery.Pull ? Task.WhenAll(HeartbeatAsync(), PullAsync()) : HeartbeatAsync();

    /// <summary>
    /// A webhook the shared listener verified. False while the agent is silent: the listener then answers 503, as the
    /// endpoint of an agent that is down fails, and the server tries again later.
    /// </summary>
    public bool TakeDelivery(WebhookEnvelope delivery)
    {
        if (IsSilent)
            return false;
        switch (delivery.Type)
        {
            case WebhookEventTypes.WorkAssigned when delivery.Data.ValueKind == JsonValueKind.Object:
                var item = delivery.Data.Deserialize<WorkItem>(ClawJson.Options);
                if (item?.Id is not null)
                    _ = TakeOfferAsync(item);
                break;
            case WebhookEventTypes.WorkRevoked when delivery.Data.ValueKind == JsonValueKind.Object
                                                    && delivery.Data.TryGetProperty("workItemId", out var id) && _runs.TryGetValue(id.ToString(), out var revoked):
                try
                {
                    revoked.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The run had just ended.
                }

                break;
            default:
                // Pings and the rest: this agent reports often enough to answer a ping by itself.
                break;
        }

        return true;
    }

    private async Task HeartbeatAsync()
    {
        var interval = TimeSpan.FromSeconds(options.HeartbeatSeconds);
        // Spread the first heartbeat over the interval, as agents started at different moments would.
        await Delay(TimeSpan.FromMilliseconds(Random.Shared.Next((int)interval.TotalMilliseconds)), stopping);
        while (!stopping.IsCancellationRequested)
        {
            if (!IsSilent)
            {
                var status = _runs.IsEmpty ? HeartbeatStatus.Idle : HeartbeatStatus.Busy;
                await Quietly(() => CallAsync("heartbeat", () => api.HeartbeatAsync(agentId, new Heartbeat(status), cancellationToken: stopping)));
            }

            await Delay(interval, stopping);
        }
    }

    private async Task PullAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            await Delay(SilenceLeft, stopping);
            WorkItem? item = null;
            try
            {
                item = await CallAsync("pull (long poll)", () => api.PullWorkAsync(agentId, PullWaitSeconds, stopping));
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

            // An agent that is down does not take what a poll it sent before going down brings back: the offer stalls.
            if (item is not null && !IsSilent)
                _ = TakeOfferAsync(item);
        }
    }

    /// <summary>Declines the offer (a failing agent, often) or accepts it and does the work.</summary>
    private async Task TakeOfferAsync(WorkItem item)
    {
        using var revoked = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // Deliveries are at least once, and a poll may bring what a webhook brought: one run per item.
        if (!_runs.TryAdd(item.Id, revoked))
            return;
        try
        {
            if (temperament == SoakTemperament.Failing && Random.Shared.NextDouble() < options.DeclineShare)
            {
                await DeclineAsync(item.Id);
                return;
            }

            if (!await Quietly(() => CallAsync("accept", () => api.AcceptAsync(item.Id, Guid.NewGuid().ToString("N"), stopping))))
                return;
            run.Started();
            try
            {
                await WorkAsync(item.Id, revoked.Token);
            }
            catch (OperationCanceledException) when (revoked.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                run.Revoked();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The run is over.
            }
            finally
            {
                run.Ended();
            }
        }
        finally
        {
            _runs.TryRemove(item.Id, out _);
        }
    }

    private async Task WorkAsync(string workItemId, CancellationToken revoked)
    {
        var length = TimeSpan.FromMilliseconds(Random.Shared.Next(1000, 3000));
        var reports = 1;
        if (temperament == SoakTemperament.Slow)
        {
            length *= options.SlowFactor;
            reports = Math.Max(1, (int)(length / SlowReportEvery));
        }

        var slice = length / (reports + 1);
        var goesSilent = temperament == SoakTemperament.Silent && Interlocked.Increment(ref _accepted) % options.SilentEvery == 0;
        for (var step = 1; step <= reports; step++)
        {
            await Task.Delay(slice, revoked);
            if (goesSilent)
            {
                // Down mid-item: the server hears nothing from this agent until it comes back, then gets the result late.
                FallSilent();
                await WhileSilentAsync(revoked);
                break;
            }

            await WhileSilentAsync(revoked);
            if (!await ReportProgressAsync(workItemId, (double)step / (reports + 1), revoked))
            {
                run.Revoked();
                return;
            }

            if (temperament == SoakTemperament.Failing && step == reports && Random.Shared.NextDouble() < options.DeclineShare)
            {
                await DeclineAsync(workItemId);
                return;
            }
        }

        if (!goesSilent)
            await Task.Delay(slice, revoked);
        await WhileSilentAsync(revoked);
        await PostResultAsync(workItemId);
    }

    /// <summary>False when the lease is gone (the server answered 403, 404 or 409): how a pull agent learns of a revocation.</summary>
    private async Task<bool> ReportProgressAsync(string workItemId, double fraction, CancellationToken revoked)
    {
        try
        {
            await CallAsync("progress", () => api.ReportProgressAsync(workItemId, new ProgressReport(fraction, "working"), Guid.NewGuid().ToString("N"), revoked));
            return true;
        }
        catch (ClawApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return false;
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException || (e is TaskCanceledException && !revoked.IsCancellationRequested))
        {
            // A report lost in transit is not fatal: the next one, or the result, says more.
            return true;
        }
    }

    private async Task PostResultAsync(string workItemId)
    {
        var result = new WorkResult("done", [new Artifact("result.md", "text/markdown", "# Done\n")]);
        try
        {
            await CallAsync("result", () => api.SubmitResultAsync(workItemId, result, Guid.NewGuid().ToString("N"), stopping));
            run.ResultTaken(workItemId);
        }
        catch (ClawApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // The lease was revoked before the result came: the server keeps it for people and does not take it.
            run.LateResult();
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            // Counted by the recorder.
        }
    }

    private async Task DeclineAsync(string workItemId)
    {
        if (await Quietly(() => CallAsync("decline", () => api.DeclineAsync(workItemId, "Not able to take this on right now.", Guid.NewGuid().ToString("N"), stopping))))
            run.Declined();
    }

    private void FallSilent()
    {
        Volatile.Write(ref _silentUntil, Stopwatch.GetTimestamp() + (long)(options.SilenceSeconds * (double)Stopwatch.Frequency));
        run.FellSilent();
    }

    private TimeSpan SilenceLeft => TimeSpan.FromSeconds(Math.Max(0, Volatile.Read(ref _silentUntil) - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);

    private Task WhileSilentAsync(CancellationToken revoked) => Task.Delay(SilenceLeft, revoked);

    private Task<T> CallAsync<T>(string endpoint, Func<Task<T>> call)
    {
        run.Called(node);
        return run.Calls.TimeAsync(endpoint, call, stopping);
    }
}
