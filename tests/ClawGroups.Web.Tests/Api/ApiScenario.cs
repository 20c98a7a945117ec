using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>A group on a running app, a human's client for it, and helpers to start simulated agents in it.</summary>
internal sealed class ApiScenario : IAsyncDisposable
{
    private readonly List<SimulatedAgent> _agents = [];
    private readonly HttpClient _http;

    private ApiScenario(ClawAppFactory app, HttpClient http, Group group)
    {
        App = app;
        _http = http;
        Human = new ClawApiClient(http, ClawAppFactory.BootstrapToken);
        Group = group;
    }

    public ClawAppFactory App { get; }

    public ClawApiClient Human { get; }

    public Group Group { get; }

    public static async Task<ApiScenario> StartAsync(ClawAppFactory app, bool requireReview = true)
    {
        var http = new HttpClient { BaseAddress = app.BaseAddress };
        var human = new ClawApiClient(http, ClawAppFactory.BootstrapToken);
        var group = await human.CreateGroupAsync(new CreateGroup($"group {Guid.NewGuid():N}", RequireReview: requireReview));
        return new ApiScenario(app, http, group);
    }

    public async Task<SimulatedAgent> StartAgentAsync(
        string name, AgentCard profile, string delivery, AgentBehaviour? behaviour = null, AgentTimings? timings = null)
    {
        var joinToken = await Human.CreateJoinTokenAsync(Group.Id);
        var agent = await SimulatedAgent.StartAsync(new SimulatedAgentOptions
        {
            ServerUrl = App.BaseAddress,
            JoinToken = joinToken.Token,
            Name = name,
            Profile = profile,
            Delivery = delivery,
            Behaviour = behaviour ?? AgentBehaviour.Diligent,
            Timings = timings ?? AgentTimings.Fast,
        });
        _agents.Add(agent);
        return agent;
    }

    /// <summary>A client with an agent's key, for calls the simulator does not make on its own.</summary>
    public ClawApiClient AgentClient(string apiKey) => Human.WithToken(apiKey);

    public Task<WorkItem> WaitForStateAsync(string workItemId, string state, TimeSpan? timeout = null)
        => Eventually.ReachAsync(() => Human.GetWorkItemAsync(workItemId), w => w.State == state, $"work item {workItemId} to be {state}", timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _http.Dispose();
    }
}
