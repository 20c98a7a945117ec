using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Reliability.Tests.Crashes;

/// <summary>
/// The group the crash test runs: its human's client, the pull and webhook agents working in it (through the kill switch,
/// so that the server can be killed while one of their requests is in flight), and the items created so far.
/// </summary>
internal sealed class CrashRun : IAsyncDisposable
{
    private readonly ClawApiClient _human;
    private readonly List<SimulatedAgent> _agents = [];
    private readonly List<Guid> _created = [];
    private readonly int _items;

    private CrashRun(ClawApiClient human, Group group, int items)
    {
        _human = human;
        GroupId = Guid.Parse(group.Id);
        _items = items;
    }

    public Guid GroupId { get; }

    public IReadOnlyList<SimulatedAgent> Agents => _agents;

    public IReadOnlyCollection<Guid> Created => _created;

    /// <summary>How many items have been created so far; the next one is number <see cref="CreatedCount"/> + 1.</summary>
    public int CreatedCount => _created.Count;

    /// <summary>Results the server took (2xx), as the agents saw them.</summary>
    public int Finished => _agents.Sum(a => a.Observed.Completed.Count);

    /// <summary>A group that finishes items without review, and its agents, registered and working.</summary>
    public static async Task<CrashRun> StartAsync(
        HttpClient http, string bootstrapToken, int pullAgents, int webhookAgents, int items, AgentTimings timings)
    {
        ArgumentNullException.ThrowIfNull(http);
        var human = new ClawApiClient(http, bootstrapToken);
        var group = await human.CreateGroupAsync(new CreateGroup("Crash test", "Killed and restarted under its agents", RequireReview: false));
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 60, MaxUses: pullAgents + webhookAgents));
        var run = new CrashRun(human, group, items);
        try
        {
            for (var i = 1; i <= pullAgents + webhookAgents; i++)
            {
                var delivery = i <= pullAgents ? AgentDelivery.Pull : AgentDelivery.Webhook;
                run._agents.Add(await SimulatedAgent.StartAsync(new SimulatedAgentOptions
                {
                    ServerUrl = http.BaseAddress!,
                    JoinToken = join.Token,
                    Name = $"{delivery}-{i}",
                    Profile = SkillProfiles.Backend,
                    Delivery = delivery,
                    Timings = timings,
                    HttpClient = http,
                }));
            }

            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public async Task CreateItemAsync()
    {
        var n = _created.Count + 1;
        var item = await _human.CreateWorkItemAsync(GroupId.ToString(), new CreateWorkItem(
            $"Add an endpoint to export invoices, part {n}", $"Part {n} of {_items}: REST endpoint, validation and tests."));
        _created.Add(Guid.Parse(item.Id));
    }

    public async Task CreateItemsUpToAsync(int count)
    {
        while (_created.Count < count)
            await CreateItemAsync();
    }

    /// <summary>Stops the agents; what they saw stays readable.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
            await agent.DisposeAsync();
    }
}
