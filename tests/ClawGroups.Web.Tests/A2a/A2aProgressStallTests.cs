using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>
/// An A2A agent that keeps answering but whose task brings no news within the progress timeout is an agent without
/// progress: pinged (a <c>GetTask</c>), then stalled, its work moving on (decision 0027).
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class A2aProgressStallTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    // The heartbeat timeout is far off: the endpoint answers every poll, so only the progress rule can stall this work.
    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "600",
        ["ClawGroups:Coordinator:ProgressTimeoutSeconds"] = "5",
        ["ClawGroups:Coordinator:StartGraceSeconds"] = "0",
        ["ClawGroups:Webhooks:TimeoutSeconds"] = "1",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_task_that_never_changes_stalls_as_no_progress_while_the_agent_keeps_answering()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Rotate the certificates");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);
        agent.SetState(taskId, "TASK_STATE_WORKING", "On it.");
        await group.WaitForStateAsync(itemId, "inProgress");

        var item = await group.WaitForItemAsync(itemId,
            i => i.GetProperty("assignments")[0].GetProperty("outcome").GetString() == "stalled", "the attempt to stall");

        Assert.Equal("noProgress", item.GetProperty("assignments")[0].GetProperty("stallReason").GetString());
        Assert.NotEqual(JsonValueKind.Object, item.GetProperty("assignee").ValueKind);
        await Eventually.ReachAsync(() => Task.FromResult(agent.Calls.Any(c => c.Method == "CancelTask")), cancelled => cancelled,
            "the agent's task to be cancelled", TimeSpan.FromSeconds(40));
        var roster = await group.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{group.GroupId}");
        var member = roster.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("id").GetString() == group.AgentId);
        Assert.NotEqual("stalled", member.GetProperty("status").GetString());
    }
}
