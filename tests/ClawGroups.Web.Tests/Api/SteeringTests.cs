using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>Humans steering work in flight: takeover, messages, pause, review; nothing an agent reported is lost.</summary>
[Collection(WebTestCollection.Name)]
public sealed class SteeringTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_human_takes_over_mid_run_the_agent_is_told_and_its_progress_and_late_result_are_kept()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var agent = await scenario.StartAgentAsync("slowpoke", SkillProfiles.Backend, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromSeconds(3)));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Migrate the orders table"));
        var running = await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id), w => w.Progress?.Fraction > 0, "first progress", Deadline);

        await scenario.Human.TakeoverAsync(item.Id);

        await agent.WaitUntilAsync(a => a.Observed.Revocations.Any(r => r.WorkItemId == item.Id && r.Reason == "takeover"), Deadline);
        var takenOver = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal("human", takenOver.Assignee?.Kind);
        Assert.Equal(WorkItemStates.InProgress, takenOver.State);
        Assert.True(takenOver.Progress!.Fraction >= running.Progress!.Fraction, "the human inherits the agent's progress");
        Assert.Contains(await scenario.Human.GetEventsAsync(item.Id), e => e.Type == "work.progress");

        var late = await Record.ExceptionAsync(() => agent.Api.SubmitResultAsync(item.Id, new WorkResult("finished anyway", [])));
        var conflict = Assert.IsType<ClawApiException>(late);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains((await scenario.Human.GetWorkItemAsync(item.Id)).Assignments, a => a.Extra?["hasLateResult"].GetBoolean() == true);

        await scenario.Human.CompleteAsync(item.Id, "Finished by hand");
        Assert.Equal(WorkItemStates.Done, (await scenario.Human.GetWorkItemAsync(item.Id)).State);
    }

    [Fact]
    public async Task A_person_rewords_an_item_no_one_holds_and_its_view_says_how_it_is_routed()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Survey vector dbs"));
        using var http = _app.OwnerHttpClient();

        using var edited = await http.PatchAsJsonAsync($"/api/v1/work-items/{item.Id}", new { title = "Survey vector databases", requiredSkills = new[] { "research" } });
        using var refused = await http.PatchAsJsonAsync($"/api/v1/work-items/{item.Id}", new { title = " " });

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        using var view = JsonDocument.Parse(await edited.Content.ReadAsStringAsync());
        Assert.Equal("Survey vector databases", view.RootElement.GetProperty("title").GetString());
        Assert.Equal("research", view.RootElement.GetProperty("requiredSkills")[0].GetString());
        // No one is asked to route it: the coordinator routes it itself.
        Assert.Equal(JsonValueKind.Null, view.RootElement.GetProperty("routing").ValueKind);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains(await scenario.Human.GetEventsAsync(item.Id), e => e.Type == "work.edited");
    }

    [Fact]
    public async Task Messages_pause_and_resume_reach_a_working_webhook_agent()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await scenario.StartAgentAsync("worker", SkillProfiles.Research, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromSeconds(3)));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Survey vector databases"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);

        await scenario.Human.PostMessageAsync(item.Id, "Include pgvector, please");
        await scenario.Human.PauseAsync(item.Id);
        await scenario.Human.ResumeAsync(item.Id);

        await agent.WaitUntilAsync(a => a.Observed.Messages.Any(m => m.WorkItemId == item.Id && m.Text == "Include pgvector, please")
                                        && a.Observed.Paused.Contains(item.Id) && a.Observed.Resumed.Contains(item.Id), Deadline);
        var events = (await scenario.Human.GetEventsAsync(item.Id)).Select(e => e.Type).ToList();
        Assert.Contains("work.message", events);
        Assert.True(events.IndexOf("work.paused") < events.IndexOf("work.resumed"));
    }

    [Fact]
    public async Task Work_no_one_else_is_running_cannot_be_messaged_or_paused_and_nothing_is_written()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Draft the release notes"));

        var waiting = await Record.ExceptionAsync(() => scenario.Human.PostMessageAsync(item.Id, "Anyone there?"));
        await scenario.Human.TakeoverAsync(item.Id);
        var toMyself = await Record.ExceptionAsync(() => scenario.Human.PostMessageAsync(item.Id, "Note to self"));
        var pauseMine = await Record.ExceptionAsync(() => scenario.Human.PauseAsync(item.Id));

        Assert.All([waiting, toMyself, pauseMine], refused => Assert.Equal(HttpStatusCode.Conflict, Assert.IsType<ClawApiException>(refused).StatusCode));
        var events = (await scenario.Human.GetEventsAsync(item.Id)).Select(e => e.Type).ToList();
        Assert.DoesNotContain("work.message", events);
        Assert.DoesNotContain("work.paused", events);
        Assert.False((await scenario.Human.GetWorkItemAsync(item.Id)).Extra!["paused"].GetBoolean());
    }

    [Fact]
    public async Task A_pull_agent_finds_steering_messages_in_its_heartbeat_answer()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await scenario.StartAgentAsync("quiet", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Tune the slow query"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);

        await scenario.Human.PostMessageAsync(item.Id, "Check the index on orders.customer_id");
        var answer = await agent.Api.HeartbeatAsync(agent.AgentId, new Heartbeat(HeartbeatStatus.Busy));
        var again = await agent.Api.HeartbeatAsync(agent.AgentId, new Heartbeat(HeartbeatStatus.Busy));

        var message = Assert.Single(answer.Json!.Value.GetProperty("messages").EnumerateArray());
        Assert.Equal("work.message", message.GetProperty("type").GetString());
        Assert.Equal("Check the index on orders.customer_id", message.GetProperty("data").GetProperty("text").GetString());
        Assert.Empty(again.Json!.Value.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task A_rejected_result_reopens_the_item_with_the_feedback_sent_to_the_agent()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        var agent = await scenario.StartAgentAsync("writer", SkillProfiles.Research, AgentDelivery.Webhook);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Summarise the interview notes"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);

        await scenario.Human.ReviewAsync(item.Id, approve: false, feedback: "Add the quotes");

        await agent.WaitUntilAsync(a => a.Observed.Rejections.Any(r => r.WorkItemId == item.Id && r.Feedback == "Add the quotes"), Deadline);
        var second = await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id),
            w => w.State == WorkItemStates.InReview && w.Attempts == 2, "the second attempt in review", Deadline);
        Assert.Equal("rejected", second.Assignments[0].Outcome);
        await scenario.Human.ReviewAsync(item.Id, approve: true);
        Assert.Equal(WorkItemStates.Done, (await scenario.Human.GetWorkItemAsync(item.Id)).State);
    }

    [Fact]
    public async Task A_repeated_request_with_the_same_idempotency_key_answers_the_same_and_changes_nothing()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await scenario.StartAgentAsync("careful", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Rotate the TLS certificates"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);
        var progressEvents = (await scenario.Human.GetEventsAsync(item.Id)).Count(e => e.Type == "work.progress");
        var report = new ProgressReport(0.5, "half way", new Usage(100, 20, 0.01m));

        var first = await agent.Api.ReportProgressAsync(item.Id, report, idempotencyKey: "progress-1");
        var repeat = await agent.Api.ReportProgressAsync(item.Id, report, idempotencyKey: "progress-1");
        var misuse = await Record.ExceptionAsync(() => agent.Api.ReportProgressAsync(item.Id, report with { Fraction = 0.9 }, idempotencyKey: "progress-1"));

        Assert.Equal(first.Body, repeat.Body);
        Assert.True(repeat.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, Assert.IsType<ClawApiException>(misuse).StatusCode);
        var events = await scenario.Human.GetEventsAsync(item.Id);
        Assert.Equal(progressEvents + 1, events.Count(e => e.Type == "work.progress"));
        var stored = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(0.5, stored.Progress!.Fraction);
        Assert.Equal(100, stored.Extra!["usage"].GetProperty("inputTokens").GetInt64());
    }

    [Fact]
    public async Task A_rotated_key_replaces_the_old_one_and_a_revoked_agent_is_locked_out()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "rotating" });
        var agent = scenario.AgentClient(registration.ApiKey);

        var rotated = await agent.SendAsync(HttpMethod.Post, $"/api/v1/agents/{registration.AgentId}/rotate-key", new { });
        var newKey = rotated.Json!.Value.GetProperty("apiKey").GetString()!;
        var withOld = await Record.ExceptionAsync(() => agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle)));
        var withNew = await scenario.AgentClient(newKey).HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        await scenario.Human.SendAsync(HttpMethod.Post, $"/api/v1/agents/{registration.AgentId}/revoke", new { });
        var afterRevoke = await Record.ExceptionAsync(() => scenario.AgentClient(newKey).HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle)));

        Assert.NotEqual(registration.ApiKey, newKey);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<ClawApiException>(withOld).StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<ClawApiException>(afterRevoke).StatusCode);
    }

    [Fact]
    public async Task A_human_accepts_a_late_result_and_the_item_is_done_with_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await scenario.StartAgentAsync("late", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Write the migration script"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);
        await scenario.Human.TakeoverAsync(item.Id);
        await Record.ExceptionAsync(() => agent.Api.SubmitResultAsync(item.Id,
            new WorkResult("Script written", [new Artifact("migrate.sql", "text/plain", "ALTER TABLE orders ADD COLUMN note text;")])));
        var lateAttempt = (await scenario.Human.GetWorkItemAsync(item.Id)).Assignments.First();

        await scenario.Human.SendAsync(HttpMethod.Post, $"/api/v1/work-items/{item.Id}/late-results/{lateAttempt.Extra!["id"].GetString()}/accept", new { });

        var done = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(WorkItemStates.Done, done.State);
        Assert.Equal("Script written", done.Result!.Value.GetProperty("summary").GetString());
        Assert.Equal("migrate.sql", done.Result.Value.GetProperty("artifacts")[0].GetProperty("name").GetString());
        Assert.Equal(agent.AgentId, done.Assignee?.Id);
        Assert.Equal(["completed", "reassigned"], done.Assignments.Select(a => a.Outcome));
    }

    [Fact]
    public async Task Reported_usage_is_summed_per_item_per_agent_and_per_group()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var agent = await scenario.StartAgentAsync("metered", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Profile the checkout endpoint"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);

        await agent.Api.ReportProgressAsync(item.Id, new ProgressReport(0.3, "profiling", new Usage(1000, 200, 0.05m)));
        await agent.Api.ReportProgressAsync(item.Id, new ProgressReport(0.6, "found it", new Usage(1500, 300, 0.08m)));
        await agent.Api.SubmitResultAsync(item.Id, new WorkResult("N+1 query in the cart", [], new Usage(2000, 450, 0.11m)));

        var usage = (await scenario.Human.SendAsync(HttpMethod.Get, $"/api/v1/groups/{scenario.Group.Id}/usage")).Json!.Value;
        var itemUsage = (await scenario.Human.GetWorkItemAsync(item.Id)).Extra!["usage"];
        Assert.Equal(2000, itemUsage.GetProperty("inputTokens").GetInt64());
        Assert.Equal(0.11m, usage.GetProperty("costUsd").GetDecimal());
        Assert.Equal(450, usage.GetProperty("outputTokens").GetInt64());
        var perAgent = Assert.Single(usage.GetProperty("agents").EnumerateArray());
        Assert.Equal(agent.AgentId, perAgent.GetProperty("agentId").GetString());
        Assert.Equal(2000, perAgent.GetProperty("inputTokens").GetInt64());
    }
}
