using System.Net;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// <c>POST /api/v1/agents/{id}/signoff</c> on PostgreSQL: the agent is offered nothing until its next heartbeat, and the
/// offers it had not accepted move on at once — long before the heartbeat timeout (a minute here) could have moved them.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class SignOffTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "60",
        // Two different agents may fit an item almost equally well; these tests are about presence, not routing doubts.
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_signed_off_agent_is_offered_nothing_until_its_next_heartbeat()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (agentId, agent) = await RegisterAsync(scenario, "nightshift");
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Rotate the TLS certificates"));
        await OfferedToAsync(scenario, first.Id, agentId);

        var answer = await agent.SignOffAsync(agentId);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("offline", answer.Json!.Value.GetProperty("status").GetString());
        Assert.Equal(WorkItemStates.Ready, (await scenario.Human.GetWorkItemAsync(first.Id)).State);
        var second = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Renew the domain"));
        // Several passes run meanwhile (a sweep every second): none offers the agent anything.
        Assert.Null(await agent.PullWorkAsync(agentId, waitSeconds: 4));
        Assert.Equal("offline", (await scenario.Human.GetGroupAsync(scenario.Group.Id)).Members.Single(m => m.Id == agentId).Status);

        await agent.HeartbeatAsync(agentId, new Heartbeat(HeartbeatStatus.Idle));

        var offered = await agent.PullWorkAsync(agentId, waitSeconds: 20);
        Assert.Contains(offered?.Id, new[] { first.Id, second.Id });
        var events = await scenario.Human.GetEventsAsync(first.Id);
        Assert.Contains(events, e => e.Type == "work.released" && e.Data!.Value.GetProperty("reason").GetString() == "agentSignedOff");
    }

    [Fact]
    public async Task An_offer_its_agent_had_not_accepted_moves_on_to_another_agent_at_once()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (leaverId, leaver) = await RegisterAsync(scenario, "leaver");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the broken webhook retries"));
        await OfferedToAsync(scenario, item.Id, leaverId);
        var backup = await scenario.StartAgentAsync("backup", SkillProfiles.Backend, AgentDelivery.Pull);
        var signedOffAt = DateTimeOffset.UtcNow;

        await leaver.SignOffAsync(leaverId);

        // Well inside the one-minute heartbeat timeout: only the sign-off can have moved it.
        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, TimeSpan.FromSeconds(20));
        Assert.True(DateTimeOffset.UtcNow - signedOffAt < TimeSpan.FromSeconds(20));
        Assert.Equal(backup.AgentId, done.Assignee?.Id);
        Assert.Equal("signedOff", done.Assignments.Single(a => a.MemberId == leaverId).Outcome);
        // The offer it never accepted is not an attempt: the backup's is the first.
        Assert.Equal(1, done.Attempts);
    }

    [Fact]
    public async Task Signing_off_another_agent_is_forbidden_and_changes_nothing()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (firstId, _) = await RegisterAsync(scenario, "first");
        var (_, second) = await RegisterAsync(scenario, "second");

        var refused = await Assert.ThrowsAsync<ClawApiException>(() => second.SignOffAsync(firstId));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.NotEqual("offline", (await scenario.Human.GetGroupAsync(scenario.Group.Id)).Members.Single(m => m.Id == firstId).Status);
    }

    /// <summary>A pull agent that heartbeats once and is then driven by the test's own calls.</summary>
    internal static async Task<(string AgentId, ClawApiClient Client)> RegisterAsync(ApiScenario scenario, string name, int capacity = 1)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token,
            SkillProfiles.Backend with { Name = name, Delivery = AgentDelivery.Pull, Capacity = capacity });
        var client = scenario.AgentClient(registration.ApiKey);
        await client.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        return (registration.AgentId, client);
    }

    /// <summary>Waits until the item is offered to the agent.</summary>
    internal static Task<WorkItem> OfferedToAsync(ApiScenario scenario, string workItemId, string agentId)
        => Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(workItemId),
            w => w.State == WorkItemStates.Assigned && w.Assignee?.Id == agentId, $"work item {workItemId} to be offered to {agentId}", Deadline);
}
