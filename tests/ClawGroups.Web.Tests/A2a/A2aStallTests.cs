using System.Text.Json;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>An A2A agent whose endpoint stops answering is a silent agent: its work stalls and moves on (decision 0027).</summary>
[Collection(WebTestCollection.Name)]
public sealed class A2aStallTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "5",
        ["ClawGroups:Coordinator:StartGraceSeconds"] = "0",
        ["ClawGroups:Webhooks:TimeoutSeconds"] = "1",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_unreachable_endpoint_stalls_the_agents_work()
    {
        var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Rotate the certificates");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);
        agent.SetState(taskId, "TASK_STATE_WORKING", "On it.");
        await group.WaitForStateAsync(itemId, "inProgress");

        await agent.DisposeAsync();

        var item = await group.WaitForItemAsync(itemId,
            i => i.GetProperty("assignments")[0].GetProperty("outcome").GetString() == "stalled", "the attempt to stall");
        Assert.Equal("agentSilent", item.GetProperty("assignments")[0].GetProperty("stallReason").GetString());
        Assert.NotEqual(JsonValueKind.Object, item.GetProperty("assignee").ValueKind);
    }
}
