using System.Collections.Concurrent;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Tests.Api;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClawGroups.Web.Tests.Live;

/// <summary>Two nodes on one PostgreSQL database: what one commits reaches the other's live clients.</summary>
[Collection(WebTestCollection.Name)]
public sealed class TwoNodeTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _jobsNode = null!;
    private ClawAppFactory _webNode = null!;

    public async Task InitializeAsync()
    {
        _jobsNode = await ClawAppFactory.StartOnLoopbackAsync();
        _webNode = ClawAppFactory.StartAnotherNodeOnLoopback(_jobsNode);
    }

    public async Task DisposeAsync()
    {
        await _webNode.DisposeAsync();
        await _jobsNode.DisposeAsync();
    }

    [Fact]
    public async Task A_client_of_one_node_sees_work_created_on_another_and_events_the_other_nodes_jobs_write()
    {
        await using var scenario = await ApiScenario.StartAsync(_jobsNode);
        var received = new ConcurrentQueue<(string Method, JsonElement Payload)>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_webNode.BaseAddress, "/hubs/groups"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(ClawAppFactory.BootstrapToken))
            .Build();
        connection.On<JsonElement>("workItemChanged", item => received.Enqueue(("workItemChanged", item)));
        connection.On<JsonElement>("eventAppended", item => received.Enqueue(("eventAppended", item)));
        await connection.StartAsync();
        await connection.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id));

        // Created through the other node's API: the web node makes no save of its own.
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Rotate the TLS certificates"));

        await Testing.Waiting.Eventually.ReachAsync(
            () => Task.FromResult(received.ToList()),
            messages => messages.Any(m => m.Method == "workItemChanged" && m.Payload.GetProperty("id").GetString() == item.Id)
                        && messages.Any(m => m.Method == "eventAppended" && m.Payload.GetProperty("type").GetString() == "work.created"),
            "the other node's change and its event",
            Deadline);
    }

    [Fact]
    public async Task A_key_rotated_on_one_node_stops_working_on_the_other_at_once_though_the_other_had_just_believed_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_jobsNode);
        var (agentId, apiKey, onWebNode) = await AgentBelievedOnWebNodeAsync(scenario, "rotating");

        await scenario.AgentClient(apiKey).SendAsync(HttpMethod.Post, $"/api/v1/agents/{agentId}/rotate-key", new { });

        await RefusedAsync(onWebNode, agentId, "the old key refused on the other node");
    }

    [Fact]
    public async Task An_agent_revoked_on_one_node_is_locked_out_of_the_other_at_once()
    {
        await using var scenario = await ApiScenario.StartAsync(_jobsNode);
        var (agentId, _, onWebNode) = await AgentBelievedOnWebNodeAsync(scenario, "revoked");

        await scenario.Human.SendAsync(HttpMethod.Post, $"/api/v1/agents/{agentId}/revoke", new { });

        await RefusedAsync(onWebNode, agentId, "the revoked agent refused on the other node");
    }

    /// <summary>An agent registered through the jobs node whose key the web node has read once and now believes (AgentKeyCache).</summary>
    private async Task<(string AgentId, string ApiKey, ClawApiClient OnWebNode)> AgentBelievedOnWebNodeAsync(ApiScenario scenario, string name)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = name });
        var onWebNode = new ClawApiClient(new HttpClient { BaseAddress = _webNode.BaseAddress }, registration.ApiKey);
        await onWebNode.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        return (registration.AgentId, registration.ApiKey, onWebNode);
    }

    /// <summary>
    /// Waits for the web node to answer the agent 401, well inside the time a node believes a key without the cluster's word
    /// (AgentKeyCache.Lifetime, 30 s).
    /// </summary>
    private static async Task RefusedAsync(ClawApiClient onWebNode, string agentId, string what)
    {
        var refused = await Testing.Waiting.Eventually.ReachAsync(
            () => Record.ExceptionAsync(() => onWebNode.HeartbeatAsync(agentId, new Heartbeat(HeartbeatStatus.Idle))),
            failure => failure is ClawApiException { StatusCode: System.Net.HttpStatusCode.Unauthorized },
            what,
            TimeSpan.FromSeconds(5));
        Assert.IsType<ClawApiException>(refused);
    }
}
