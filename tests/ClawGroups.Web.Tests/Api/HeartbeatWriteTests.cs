using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Agents;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// A heartbeat writes the agent in one statement when its status is as read (issue 17's round trips): what it must still
/// do, on PostgreSQL over real HTTP.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class HeartbeatWriteTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_heartbeat_with_nothing_new_still_renews_the_agents_leases_and_its_last_heartbeat()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = "steady" });
        var agent = scenario.AgentClient(registration.ApiKey);
        await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the login redirect"));
        var offered = await Eventually.ReachAsync(() => agent.PullWorkAsync(registration.AgentId), item => item is not null, "an offer", Deadline);
        await agent.AcceptAsync(offered!.Id);
        await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy));
        var (beatBefore, leaseBefore) = await HeartbeatAndLeaseAsync(registration.AgentId);

        var answer = await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy));

        var (beatAfter, leaseAfter) = await HeartbeatAndLeaseAsync(registration.AgentId);
        Assert.Equal("busy", answer.Json!.Value.GetProperty("status").GetString());
        Assert.True(beatAfter > beatBefore, $"last heartbeat {beatBefore:O} → {beatAfter:O}");
        Assert.True(leaseAfter > leaseBefore, $"lease {leaseBefore:O} → {leaseAfter:O}");
    }

    [Fact]
    public async Task A_stalled_agent_comes_back_with_its_next_heartbeat_and_the_answer_says_so()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = "sleepy" });
        var agent = scenario.AgentClient(registration.ApiKey);
        await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        await using (var context = _app.Database.NewContext())
        {
            await context.Agents.Where(a => a.Id == Guid.Parse(registration.AgentId))
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AgentStatus.Stalled).SetProperty(a => a.ConsecutiveDeliveryFailures, 3));
        }

        var answer = await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy));

        Assert.Equal("busy", answer.Json!.Value.GetProperty("status").GetString());
        await using var check = _app.Database.NewContext();
        var stored = await check.Agents.AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(registration.AgentId));
        Assert.Equal((AgentStatus.Busy, 0), (stored.Status, stored.ConsecutiveDeliveryFailures));
        Assert.Contains(await check.TrailEvents.AsNoTracking().Where(e => e.AgentId == stored.Id).Select(e => e.Type).ToListAsync(), type => type == "agent.returned");
    }

    private async Task<(DateTimeOffset Heartbeat, DateTimeOffset Lease)> HeartbeatAndLeaseAsync(string agentId)
    {
        var id = Guid.Parse(agentId);
        await using var context = _app.Database.NewContext();
        var heartbeat = await context.Agents.AsNoTracking().Where(a => a.Id == id).Select(a => a.LastHeartbeatAt).SingleAsync();
        var lease = await context.Assignments.AsNoTracking().Where(a => a.AgentId == id && a.EndedAt == null).Select(a => a.LeaseExpiresAt).SingleAsync();
        return (heartbeat!.Value, lease!.Value);
    }
}
