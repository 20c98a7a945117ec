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
}
