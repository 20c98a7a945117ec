using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Agents;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;
using SignsOfLife = ClawGroups.Coordinator.Agents.SignsOfLife;

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
    public async Task A_heartbeat_with_nothing_new_still_moves_the_agents_last_heartbeat_and_leaves_its_attempt_as_it_was()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (registration, agent, _) = await AgentAtWorkAsync(scenario, "steady");
        var beatBefore = await LastHeartbeatAsync(registration.AgentId);
        var attemptBefore = await OpenAttemptRowVersionAsync(registration.AgentId);

        var answer = await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy));

        // The agent's last heartbeat is what holds its attempt (the stall sweep reads it): the attempt's row is not written at all.
        var beatAfter = await LastHeartbeatAsync(registration.AgentId);
        Assert.Equal("busy", answer.Json!.Value.GetProperty("status").GetString());
        Assert.True(beatAfter > beatBefore, $"last heartbeat {beatBefore:O} → {beatAfter:O}");
        Assert.Equal(attemptBefore, await OpenAttemptRowVersionAsync(registration.AgentId));
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

    [Fact]
    public async Task A_progress_reports_sign_of_life_is_stored_within_a_write_and_a_later_heartbeats_is_not_taken_back()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (registration, agent, offered) = await AgentAtWorkAsync(scenario, "reporting");

        await agent.ReportProgressAsync(offered.Id, new ProgressReport(0.3, "reading"));
        var report = await LastProgressAtAsync(offered.Id);
        await Eventually.ReachAsync(async () => await LastHeartbeatAsync(registration.AgentId),
            stored => stored == report, "the report's sign of life stored", Deadline);

        // A report whose sign waits to be written, then a heartbeat, stored at once: the report's sign, older, must not
        // take the heartbeat's back when it is written.
        await agent.ReportProgressAsync(offered.Id, new ProgressReport(0.6, "writing"));
        await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy));
        var beat = await LastHeartbeatAsync(registration.AgentId);
        await Task.Delay(SignsOfLife.WriteEvery * 3);

        Assert.True(beat >= await LastProgressAtAsync(offered.Id));
        Assert.Equal(beat, await LastHeartbeatAsync(registration.AgentId));
    }

    /// <summary>An agent that took the group's one item and said it is busy, with the item it works on.</summary>
    private static async Task<(AgentRegistration Registration, ClawApiClient Agent, WorkItem Item)> AgentAtWorkAsync(ApiScenario scenario, string name)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = name });
        var agent = scenario.AgentClient(registration.ApiKey);
        await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the login redirect"));
        var offered = await Eventually.ReachAsync(() => agent.PullWorkAsync(registration.AgentId), item => item is not null, "an offer", Deadline);
        await agent.AcceptAsync(offered!.Id);
        await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy));
        return (registration, agent, offered);
    }

    /// <summary>When the item's latest progress report was made, as the server's clock had it (its trail event's time).</summary>
    private async Task<DateTimeOffset> LastProgressAtAsync(string itemId)
    {
        var id = Guid.Parse(itemId);
        await using var context = _app.Database.NewContext();
        return await context.TrailEvents.AsNoTracking().Where(e => e.WorkItemId == id && e.Type == TrailEventTypes.Progress.Name)
            .OrderByDescending(e => e.Id).Select(e => e.At).FirstAsync();
    }

    private async Task<DateTimeOffset> LastHeartbeatAsync(string agentId)
    {
        var id = Guid.Parse(agentId);
        await using var context = _app.Database.NewContext();
        return (await context.Agents.AsNoTracking().Where(a => a.Id == id).Select(a => a.LastHeartbeatAt).SingleAsync())!.Value;
    }

    /// <summary>
    /// The open attempt's row version as PostgreSQL keeps it (<c>xmin</c>, the transaction that last wrote the row), which
    /// any write moves, the ones that leave the attempt's own version as it was included.
    /// </summary>
    private async Task<long> OpenAttemptRowVersionAsync(string agentId)
    {
        var id = Guid.Parse(agentId);
        await using var context = _app.Database.NewContext();
        return await context.Database
            .SqlQuery<long>($"""SELECT xmin::text::bigint AS "Value" FROM "Assignments" WHERE "AgentId" = {id} AND "EndedAt" IS NULL""")
            .SingleAsync();
    }
}
