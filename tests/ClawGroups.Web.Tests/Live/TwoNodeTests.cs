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
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "two nodes" });
        using var webHttp = new HttpClient { BaseAddress = _webNode.BaseAddress };
        var onWebNode = new ClawApiClient(webHttp, registration.ApiKey);
        // The web node reads the key once and believes it for its next calls (AgentKeyCache).
        await onWebNode.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));

        await scenario.AgentClient(registration.ApiKey).SendAsync(HttpMethod.Post, $"/api/v1/agents/{registration.AgentId}/rotate-key", new { });

        // Well inside the time a node believes a key without the cluster's word (AgentKeyCache.Lifetime, 30 s).
        var refused = await Testing.Waiting.Eventually.ReachAsync(
            () => Record.ExceptionAsync(() => onWebNode.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle))),
            failure => failure is ClawApiException { StatusCode: System.Net.HttpStatusCode.Unauthorized },
            "the old key refused on the other node",
            TimeSpan.FromSeconds(5));
        Assert.IsType<ClawApiException>(refused);
    }

    [Fact]
    public async Task An_agent_revoked_on_one_node_is_locked_out_of_the_other_at_once()
    {
        await using var scenario = await ApiScenario.StartAsync(_jobsNode);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "revoked" });
        using var webHttp = new HttpClient { BaseAddress = _webNode.BaseAddress };
        var onWebNode = new ClawApiClient(webHttp, registration.ApiKey);
        await onWebNode.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));

        await scenario.Human.SendAsync(HttpMethod.Post, $"/api/v1/agents/{registration.AgentId}/revoke", new { });

        var refused = await Testing.Waiting.Eventually.ReachAsync(
            () => Record.ExceptionAsync(() => onWebNode.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle))),
            failure => failure is ClawApiException { StatusCode: System.Net.HttpStatusCode.Unauthorized },
            "the revoked agent refused on the other node",
            TimeSpan.FromSeconds(5));
        Assert.IsType<ClawApiException>(refused);
    }
}
