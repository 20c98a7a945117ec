using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// Stall detection with short thresholds (5 s) and a sweep every second: hung work moves on, healthy long work is
/// left alone, paused work is never stalled. Both failure kinds users report about other tools are counted here.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class StallTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "5",
        ["ClawGroups:Coordinator:ProgressTimeoutSeconds"] = "5",
        ["ClawGroups:Coordinator:StartGraceSeconds"] = "0",
        ["ClawGroups:Coordinator:MaxAttempts"] = "3",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_silent_agents_item_moves_to_another_agent_after_the_heartbeat_timeout()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var silent = await scenario.StartAgentAsync("ghost", SkillProfiles.Backend, AgentDelivery.Webhook, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the flaky payments job"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);
        var backup = await scenario.StartAgentAsync("backup", SkillProfiles.Backend, AgentDelivery.Pull);

        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        Assert.Equal(backup.AgentId, done.Assignee?.Id);
        Assert.Equal("stalled", done.Assignments[0].Outcome);
        Assert.Equal("agentSilent", done.Assignments[0].Extra?["stallReason"].GetString());
        await silent.WaitUntilAsync(a => a.Observed.Revocations.Any(r => r.WorkItemId == item.Id && r.Reason == "stalled"), Deadline);
        var members = (await scenario.Human.GetGroupAsync(scenario.Group.Id)).Members;
        Assert.Equal("stalled", members.Single(m => m.Id == silent.AgentId).Status);
    }

    [Fact]
    public async Task An_item_without_progress_is_pinged_first_then_revoked_and_its_agent_is_not_offered_it_again()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var stuck = await scenario.StartAgentAsync("stuck", SkillProfiles.Research, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromMinutes(5)));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Compare three vector databases"));

        var stalled = await Eventually.ReachAsync(() => scenario.Human.GetEventsAsync(item.Id),
            events => events.Any(e => e.Type == "work.stalled"), "the item to stall", Deadline);

        var types = stalled.Select(e => e.Type).ToList();
        Assert.True(types.IndexOf("work.pinged") < types.IndexOf("work.stalled"), string.Join(", ", types));
        Assert.Contains(stuck.Webhook!.Received, d => d.Type == "ping");
        await stuck.WaitUntilAsync(a => a.Observed.Revocations.Any(r => r.WorkItemId == item.Id && r.Reason == "stalled"), Deadline);
        var current = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(WorkItemStates.Stalled, current.State);
        Assert.Equal("noProgress", current.Assignments.Single().Extra?["stallReason"].GetString());
    }

    [Fact]
    public async Task An_offer_a_live_agent_never_accepts_is_pinged_then_taken_back()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = "distracted" });
        var agent = scenario.AgentClient(registration.ApiKey);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the login redirect"));

        // The agent keeps heartbeating (alive), but never accepts the offer.
        var events = await Eventually.ReachAsync(async () =>
            {
                await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
                return await scenario.Human.GetEventsAsync(item.Id);
            }, e => e.Any(x => x.Type == "work.stalled"), "the unaccepted offer to be taken back", Deadline);

        var types = events.Select(e => e.Type).ToList();
        Assert.True(types.IndexOf("work.pinged") < types.IndexOf("work.stalled"), string.Join(", ", types));
        Assert.Equal("stalled", (await scenario.Human.GetWorkItemAsync(item.Id)).Assignments.Single().Outcome);
    }

    [Fact]
    public async Task A_long_run_that_keeps_reporting_is_never_cut_off()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        // Progress every 2 s against a 5 s timeout, for about 12 s in all: longer than any threshold, yet healthy.
        var steady = await scenario.StartAgentAsync("steady", SkillProfiles.Data, AgentDelivery.Pull,
            AgentBehaviour.Slow(TimeSpan.FromSeconds(2)), AgentTimings.Fast with { ProgressReports = 6 });
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Backfill the analytics warehouse"));

        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        Assert.Equal(steady.AgentId, done.Assignee?.Id);
        Assert.Single(done.Assignments);
        Assert.DoesNotContain(await scenario.Human.GetEventsAsync(item.Id), e => e.Type is "work.stalled" or "work.pinged");
    }

    [Fact]
    public async Task A_paused_item_is_never_counted_as_stalled()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await scenario.StartAgentAsync("thinker", SkillProfiles.Research, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromMinutes(5)));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Draft the research plan"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);
        await scenario.Human.PauseAsync(item.Id);
        var pausedAt = DateTimeOffset.UtcNow;

        // Well past the progress timeout and the ping grace, measured by the sweeps that ran meanwhile.
        await Eventually.ReachAsync(() => Task.FromResult(DateTimeOffset.UtcNow - pausedAt), elapsed => elapsed > TimeSpan.FromSeconds(9), "time to pass");

        var paused = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(WorkItemStates.InProgress, paused.State);
        Assert.DoesNotContain(await scenario.Human.GetEventsAsync(item.Id), e => e.Type is "work.stalled" or "work.pinged");
    }
}

/// <summary>Attempts run out: an app that allows one attempt per item.</summary>
[Collection(WebTestCollection.Name)]
public sealed class StallEscalationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task An_item_out_of_attempts_fails_and_is_escalated()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
        {
            ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "5",
            ["ClawGroups:Coordinator:MaxAttempts"] = "1",
        });
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: false);
        await scenario.StartAgentAsync("ghost", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Upgrade the database driver"));

        await scenario.WaitForStateAsync(item.Id, WorkItemStates.Failed, Deadline);

        var failed = (await scenario.Human.GetEventsAsync(item.Id)).Single(e => e.Type == "work.failed");
        Assert.True(failed.Data!.Value.GetProperty("escalated").GetBoolean());
    }
}
