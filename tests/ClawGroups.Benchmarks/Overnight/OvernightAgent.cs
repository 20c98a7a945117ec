using System.Collections.Concurrent;
using System.Net;
using ClawGroups.AgentSimulator.Api;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Overnight;

/// <summary>How an overnight agent behaves.</summary>
internal enum OvernightKind
{
    /// <summary>Works 1–2 s, one progress report half-way, a result; spends $0.05–0.15 an item.</summary>
    Honest,

    /// <summary>Accepts, then reports the same progress every half second, its spend climbing $0.05 a report.</summary>
    Looping,

    /// <summary>Accepts, then says nothing about the item (it keeps heartbeating): every attempt stalls.</summary>
    Failing,
}

/// <summary>
/// A pull agent of the overnight run, written against the contract: it stops working on an item when an answer says the item
/// is paused (as <c>work.paused</c> asks) or no longer its own, and counts the offers it receives, early and late.
/// </summary>
internal sealed class OvernightAgent(ClawApiClient api, string agentId, OvernightKind kind, OvernightLedger ledger)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    public OvernightKind Kind => kind;

    public string AgentId => agentId;

    public Task RunAsync(CancellationToken stopping) => Task.WhenAll(HeartbeatAsync(stopping), PullAsync(stopping));

    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        await Delay(TimeSpan.FromMilliseconds(Random.Shared.Next((int)HeartbeatInterval.TotalMilliseconds)), stopping);
        while (!stopping.IsCancellationRequested)
        {
            await Quietly(() => api.HeartbeatAsync(agentId, new Heartbeat(HeartbeatStatus.Busy), cancellationToken: stopping));
            await Delay(HeartbeatInterval, stopping);
        }
    }

    private async Task PullAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            WorkItem? item;
            try
            {
                item = await api.PullWorkAsync(agentId, 10, stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
            {
                await Delay(TimeSpan.FromSeconds(1), stopping);
                continue;
            }

            if (item is null || !await Quietly(() => api.AcceptAsync(item.Id, cancellationToken: stopping)))
            {
                continue;
            }

            ledger.Offered(this);
            // One item at a time: a capacity-1 agent works its offer to the end (or until it is stopped) before pulling again.
            await (kind switch
            {
                OvernightKind.Honest => HonestAsync(item.Id, stopping),
                OvernightKind.Looping => LoopAsync(item.Id, stopping),
                _ => FailAsync(item.Id, stopping),
            });
        }
    }

    private async Task HonestAsync(string itemId, CancellationToken stopping)
    {
        var cost = Math.Round((decimal)(0.05 + (Random.Shared.NextDouble() * 0.1)), 4);
        await Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(500, 1000)), stopping);
        if (!await ReportAsync(itemId, 0.5, "half-way", cost / 2, stopping))
        {
            await HeldAsync(itemId, stopping);
            return;
        }

        await Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(500, 1000)), stopping);
        if (await Quietly(() => api.SubmitResultAsync(itemId, new WorkResult("done", [], new Usage(2000, 500, cost)), cancellationToken: stopping)))
        {
            ledger.Finished();
        }
    }

    private async Task LoopAsync(string itemId, CancellationToken stopping)
    {
        var cost = 0m;
        while (!stopping.IsCancellationRequested)
        {
            cost += 0.05m;
            if (!await ReportAsync(itemId, 0.3, "thinking about it", cost, stopping))
            {
                await HeldAsync(itemId, stopping);
                return;
            }

            await Delay(TimeSpan.FromMilliseconds(500), stopping);
        }
    }

    private async Task FailAsync(string itemId, CancellationToken stopping)
    {
        // Silent on the item until the coordinator takes it back (the pull shows nothing of it; the item view does).
        while (!stopping.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromSeconds(1), stopping);
            var view = await TryGetAsync(itemId, stopping);
            if (view is null || view.Assignee?.Id != agentId)
            {
                return;
            }
        }
    }

    /// <summary>Reports; false when the answer says stop — the item is paused, or no longer this agent's.</summary>
    private async Task<bool> ReportAsync(string itemId, double fraction, string message, decimal cost, CancellationToken stopping)
    {
        try
        {
            var answer = await api.ReportProgressAsync(itemId, new ProgressReport(fraction, message, new Usage(4000, 1000, cost)), cancellationToken: stopping);
            if (answer.Json is { } view && view.TryGetProperty("paused", out var paused) && paused.GetBoolean())
            {
                ledger.StoppedByBudget();
                return false;
            }

            return true;
        }
        catch (ClawApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            ledger.TakenBack();
            return false;
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            return !stopping.IsCancellationRequested;
        }
    }

    /// <summary>A stopped item is held (paused, the slot stays taken) until the coordinator takes it back or the run ends.</summary>
    private async Task HeldAsync(string itemId, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromSeconds(2), stopping);
            var view = await TryGetAsync(itemId, stopping);
            if (view is null || view.Assignee?.Id != agentId || view.State is not (WorkItemStates.Assigned or WorkItemStates.InProgress))
            {
                return;
            }
        }
    }

    private async Task<WorkItem?> TryGetAsync(string itemId, CancellationToken stopping)
    {
        try
        {
            return await api.GetWorkItemAsync(itemId, stopping);
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}

/// <summary>What the overnight run counts from the agents' side.</summary>
internal sealed class OvernightLedger(long started, TimeSpan duration)
{
    private readonly ConcurrentDictionary<(OvernightKind Kind, bool Late), int> _offers = new();
    private readonly ConcurrentDictionary<string, int> _lateOffersPerAgent = new();
    private int _finished;
    private int _stoppedByBudget;
    private int _takenBack;

    public int FinishedCount => Volatile.Read(ref _finished);

    public int StoppedByBudgetCount => Volatile.Read(ref _stoppedByBudget);

    public int TakenBackCount => Volatile.Read(ref _takenBack);

    public void Offered(OvernightAgent agent)
    {
        // "Late": the second half of the run, after the breakers had time to learn who loops and who fails.
        var late = System.Diagnostics.Stopwatch.GetElapsedTime(started) > duration / 2;
        _offers.AddOrUpdate((agent.Kind, late), 1, (_, n) => n + 1);
        if (late)
        {
            _lateOffersPerAgent.AddOrUpdate(agent.AgentId, 1, (_, n) => n + 1);
        }
    }

    public int Offers(OvernightKind kind, bool late) => _offers.GetValueOrDefault((kind, late));

    public int MostLateOffers(IEnumerable<OvernightAgent> agents) => agents.Select(a => _lateOffersPerAgent.GetValueOrDefault(a.AgentId)).DefaultIfEmpty().Max();

    public void Finished() => Interlocked.Increment(ref _finished);

    public void StoppedByBudget() => Interlocked.Increment(ref _stoppedByBudget);

    public void TakenBack() => Interlocked.Increment(ref _takenBack);
}
