using System.Collections.Concurrent;
using System.Diagnostics;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// Creates the soak's items as the swarm's orchestrator would (one human token), at a steady rate: item k is due k / rate
/// seconds after the start, so that a slow answer delays no later item. At most <see cref="InFlight"/> creations wait at once.
/// The creations go to the nodes in turn, as a load balancer would send them: reading an item's text is work, and the node
/// that saves an item asks for the pass that offers it (on its own node first, where its job workers hear of the job
/// without the database's notice), so a feed sent to one node made that node's share of the passes larger.
/// </summary>
internal sealed class SoakFeed(IReadOnlyList<ClawApiClient> nodes, string groupId, SoakRun run)
{
    private const int InFlight = 16;
    private readonly ConcurrentBag<string> _createdIds = [];

    /// <summary>The ids of the items the API answered 201 for.</summary>
    public IReadOnlyCollection<string> CreatedIds => _createdIds;

    /// <param name="perSecond">Items a second; infinity creates them as fast as <see cref="InFlight"/> callers can.</param>
    public async Task RunAsync(int items, double perSecond, CancellationToken stopping)
    {
        using var slots = new SemaphoreSlim(InFlight);
        var started = Stopwatch.GetTimestamp();
        var creating = new List<Task>(items);
        for (var i = 0; i < items && !stopping.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
                await QuietCalls.Delay(due, stopping);
            try
            {
                await slots.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            creating.Add(CreateAsync(i, slots, stopping));
        }

        await Task.WhenAll(creating);
    }

    private async Task CreateAsync(int index, SemaphoreSlim slots, CancellationToken stopping)
    {
        try
        {
            var human = nodes[index % nodes.Count];
            var item = await run.Calls.TimeAsync("create item (human)", () => human.CreateWorkItemAsync(groupId, SwarmAsks.Item(index), stopping), stopping);
            _createdIds.Add(item.Id);
            run.Created();
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            // Counted by the recorder; an item created whose answer was lost is still counted by the ledger.
        }
        finally
        {
            slots.Release();
        }
    }
}
