using System.Globalization;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// Who joins the soak: agent n talks to node n mod N, carries the swarm's cards in turn with 2 or 3 slots, and gets its
/// delivery and temperament from two low-discrepancy sequences, so that every share is met closely at any size and spread
/// evenly over the nodes and the cards.
/// </summary>
internal static class SoakRoster
{
    // Fractional parts of n·φ and n·ψ (the plastic number's reciprocal): evenly spread, and not in step with each other.
    private const double GoldenStep = 0.6180339887498949;
    private const double PlasticStep = 0.7548776662466927;

    public static async Task<List<(SoakAgent Agent, int Capacity)>> RegisterAsync(
        IReadOnlyList<HttpClient> nodes, string joinToken, SoakOptions options, SoakRun run, SoakWebhooks webhooks, CancellationToken stopping)
    {
        var agents = new (SoakAgent Agent, int Capacity)[options.Agents];
        await Parallel.ForAsync(0, options.Agents, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var node = i % nodes.Count;
            var capacity = i % 2 == 0 ? 2 : 3;
            var delivery = (i * PlasticStep % 1) < options.Webhook ? AgentDelivery.Webhook : AgentDelivery.Pull;
            var card = SwarmAsks.Card(i, delivery, capacity, delivery == AgentDelivery.Webhook ? webhooks.UrlOf(i) : null);
            var anonymous = new ClawApiClient(nodes[node]);
            run.Called(node);
            var registration = await run.Calls.TimeAsync("register", () => anonymous.RegisterAgentAsync(joinToken, card, ct));
            var agent = new SoakAgent(anonymous.WithToken(registration.ApiKey), registration.AgentId, node, delivery, TemperamentOf(i, options), options, run, stopping);
            if (delivery == AgentDelivery.Webhook)
                webhooks.Add(i, registration.WebhookSecret ?? throw new InvalidOperationException("A webhook agent's registration returned no secret."), agent);
            agents[i] = (agent, capacity);
        });
        return [.. agents];
    }

    private static SoakTemperament TemperamentOf(int index, SoakOptions options)
    {
        var draw = index * GoldenStep % 1;
        if (draw < options.Slow)
            return SoakTemperament.Slow;
        if (draw < options.Slow + options.Silent)
            return SoakTemperament.Silent;
        return draw < options.Slow + options.Silent + options.Failing ? SoakTemperament.Failing : SoakTemperament.Steady;
    }

    /// <summary>"210 pull, 90 webhook; 240 steady, 30 slow, 15 silent, 15 failing; 150 / 150 on the nodes".</summary>
    public static string Describe(IEnumerable<(SoakAgent Agent, int Capacity)> agents, int nodes)
    {
        var list = agents.Select(a => a.Agent).ToList();
        string Count(Func<SoakAgent, bool> which) => list.Count(which).ToString(CultureInfo.InvariantCulture);
        var kinds = Enum.GetValues<SoakTemperament>().Select(t => $"{Count(a => a.Temperament == t)} {t.ToString().ToLowerInvariant()}");
        var perNode = Enumerable.Range(0, nodes).Select(n => Count(a => a.Node == n));
        return $"{Count(a => a.Delivery == AgentDelivery.Pull)} pull, {Count(a => a.Delivery == AgentDelivery.Webhook)} webhook; "
               + $"{string.Join(", ", kinds)}; {string.Join(" / ", perNode)} on the nodes";
    }
}
