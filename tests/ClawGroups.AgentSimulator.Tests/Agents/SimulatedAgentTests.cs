using System.Net;
using System.Text.Json.Nodes;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.AgentSimulator.Webhooks;

namespace ClawGroups.AgentSimulator.Tests.Agents;

/// <summary>The agent loop against a stand-in for the server, so that it is right before the real one exists.</summary>
public sealed class SimulatedAgentTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static SimulatedAgentOptions Options(FakeClawServer server, string delivery, AgentBehaviour? behaviour = null) => new()
    {
        ServerUrl = server.Url,
        JoinToken = "cg_join_fake",
        Name = "ledger-1",
        Profile = SkillProfiles.Accounting,
        Delivery = delivery,
        Behaviour = behaviour ?? AgentBehaviour.Diligent,
        Timings = AgentTimings.Fast,
    };

    [Fact]
    public async Task A_diligent_pull_agent_registers_heartbeats_accepts_reports_progress_and_posts_a_markdown_result()
    {
        await using var server = await FakeClawServer.StartAsync();
        server.Offer("w-1");
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Pull));

        await agent.WaitUntilAsync(a => a.Observed.Completed.Contains("w-1") && a.Observed.Heartbeats >= 2, Deadline);

        Assert.Equal("pull", server.Card!["delivery"]!.GetValue<string>());
        Assert.Equal("ledger-1", server.Card!["name"]!.GetValue<string>());
        Assert.Equal("reconciliation", server.Card!["skills"]![1]!["id"]!.GetValue<string>());
        Assert.Single(server.CallsTo("accept"));
        Assert.Equal(3, server.CallsTo("progress").Count());
        Assert.All(server.CallsTo("progress"), call => Assert.NotNull(call.Body!["usage"]!["inputTokens"]));
        var result = Assert.Single(server.CallsTo("result")).Body!;
        Assert.Equal("text/markdown", result["artifacts"]![0]!["mediaType"]!.GetValue<string>());
        Assert.StartsWith("# Reconcile March", result["artifacts"]![0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(server.Calls.Where(c => c.Path != "/api/v1/agents"), call => Assert.Equal("Bearer " + FakeClawServer.ApiKey, call.Authorization));
    }

    [Fact]
    public async Task Every_agent_post_carries_an_idempotency_key_and_each_call_its_own()
    {
        await using var server = await FakeClawServer.StartAsync();
        server.Offer("w-1");
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Pull));

        await agent.WaitUntilAsync(a => a.Observed.Completed.Contains("w-1"), Deadline);

        var posts = server.Calls.Where(c => c.Method == "POST" && c.Path.StartsWith("/api/v1/work-items/", StringComparison.Ordinal)).ToList();
        Assert.All(posts, call => Assert.False(string.IsNullOrEmpty(call.IdempotencyKey)));
        Assert.Equal(posts.Count, posts.Select(c => c.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task With_a_retry_window_a_report_is_sent_again_with_the_same_key_and_body_until_the_restarted_server_answers()
    {
        await using var server = await FakeClawServer.StartAsync();
        server.Refuse("result", 503, "Starting", times: 4);
        server.Refuse("result", 409, "Request in progress");
        server.Refuse("heartbeat", 503, "Starting", times: 3);
        server.Offer("w-1");
        var options = Options(server, AgentDelivery.Pull) with { Timings = AgentTimings.Fast with { RetryFor = TimeSpan.FromSeconds(5) } };
        await using var agent = await SimulatedAgent.StartAsync(options);

        await agent.WaitUntilAsync(a => a.Observed.Completed.Contains("w-1"), Deadline);

        var results = server.CallsTo("result").ToList();
        Assert.Equal(6, results.Count);
        Assert.Single(results.Select(call => call.IdempotencyKey).Distinct());
        Assert.Single(results.Select(call => call.Body!.ToJsonString()).Distinct());
        Assert.All(server.CallsTo("heartbeat").GroupBy(call => call.IdempotencyKey),
            tries => Assert.Single(tries.Select(call => call.Body!.ToJsonString()).Distinct()));
        Assert.Empty(agent.Observed.Errors);
    }

    [Fact]
    public async Task A_webhook_agent_registers_its_loopback_url_and_works_an_assigned_item_once_though_delivered_twice()
    {
        await using var server = await FakeClawServer.StartAsync();
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Webhook));
        var item = new JsonObject { ["id"] = "w-2", ["title"] = "Draft invoices" };

        Assert.Equal(HttpStatusCode.OK, await server.DeliverAsync(WebhookEventTypes.WorkAssigned, item, "dlv-same"));
        Assert.Equal(HttpStatusCode.OK, await server.DeliverAsync(WebhookEventTypes.WorkAssigned, item.DeepClone().AsObject(), "dlv-same"));
        await agent.WaitUntilAsync(a => a.Observed.Completed.Contains("w-2"), Deadline);

        Assert.StartsWith("http://127.0.0.1:", server.Card!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(server.CallsTo("accept"));
        Assert.Equal(1, agent.DuplicatesSuppressed);
    }

    [Fact]
    public async Task A_revoked_item_is_dropped_without_a_result()
    {
        await using var server = await FakeClawServer.StartAsync();
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromSeconds(30))));
        await server.DeliverAsync(WebhookEventTypes.WorkAssigned, new JsonObject { ["id"] = "w-3", ["title"] = "Slow one" });
        await agent.WaitUntilAsync(a => a.ActiveWorkItems.Contains("w-3"), Deadline);

        await server.DeliverAsync(WebhookEventTypes.WorkRevoked, new JsonObject { ["workItemId"] = "w-3", ["reason"] = "takeover" });
        await agent.WaitUntilAsync(a => a.ActiveWorkItems.Count == 0, Deadline);

        Assert.Equal(new Revocation("w-3", "takeover"), Assert.Single(agent.Observed.Revocations));
        Assert.Empty(server.CallsTo("result"));
        Assert.Empty(agent.Observed.Completed);
    }

    [Fact]
    public async Task A_message_is_recorded_and_answered_with_a_progress_note()
    {
        await using var server = await FakeClawServer.StartAsync();
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromSeconds(30))));
        await server.DeliverAsync(WebhookEventTypes.WorkAssigned, new JsonObject { ["id"] = "w-4", ["title"] = "Slow one" });
        await agent.WaitUntilAsync(a => a.ActiveWorkItems.Contains("w-4"), Deadline);

        await server.DeliverAsync(WebhookEventTypes.WorkMessage, new JsonObject { ["workItemId"] = "w-4", ["text"] = "Use the EUR account", ["from"] = "ada" });
        await server.WaitUntilAsync(s => s.CallsTo("progress").Any(), Deadline);

        Assert.Equal(new ReceivedMessage("w-4", "Use the EUR account", "ada"), Assert.Single(agent.Observed.Messages));
        Assert.Contains("Use the EUR account", server.CallsTo("progress").Single().Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paused_item_gets_no_progress_until_it_is_resumed()
    {
        await using var server = await FakeClawServer.StartAsync();
        var options = Options(server, AgentDelivery.Webhook) with { Timings = AgentTimings.Fast with { ProgressInterval = TimeSpan.FromMilliseconds(300) } };
        await using var agent = await SimulatedAgent.StartAsync(options);
        await server.DeliverAsync(WebhookEventTypes.WorkAssigned, new JsonObject { ["id"] = "w-5", ["title"] = "Pausable" });
        await agent.WaitUntilAsync(a => a.ActiveWorkItems.Contains("w-5"), Deadline);

        await server.DeliverAsync(WebhookEventTypes.WorkPaused, new JsonObject { ["workItemId"] = "w-5" });
        await agent.WaitUntilAsync(a => a.IsPaused("w-5"), Deadline);
        var heartbeatsWhenPaused = agent.Observed.Heartbeats;
        await agent.WaitUntilAsync(a => a.Observed.Heartbeats >= heartbeatsWhenPaused + 3, Deadline);
        var progressWhilePaused = server.CallsTo("progress").Count();
        await server.DeliverAsync(WebhookEventTypes.WorkResumed, new JsonObject { ["workItemId"] = "w-5" });
        await agent.WaitUntilAsync(a => a.Observed.Completed.Contains("w-5"), Deadline);

        Assert.True(progressWhilePaused <= 1, $"{progressWhilePaused} progress reports while paused");
        Assert.Equal(["w-5"], agent.Observed.Resumed);
    }

    [Fact]
    public async Task A_failing_agent_declines_with_its_reason()
    {
        await using var server = await FakeClawServer.StartAsync();
        server.Offer("w-6");
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Pull, AgentBehaviour.Failing(declineReason: "Out of scope")));

        await agent.WaitUntilAsync(a => a.Observed.Declined.Contains("w-6"), Deadline);

        Assert.Equal("Out of scope", server.CallsTo("decline").Single().Body!["reason"]!.GetValue<string>());
        Assert.Empty(server.CallsTo("accept"));
    }

    [Fact]
    public async Task A_failing_webhook_agent_answers_500_to_every_delivery()
    {
        await using var server = await FakeClawServer.StartAsync();
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Webhook, AgentBehaviour.Failing(FailingMode.WebhookErrors)));

        var statuses = new[] { await server.DeliverAsync("ping", []), await server.DeliverAsync("ping", []) };

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.InternalServerError, status));
    }

    [Fact]
    public async Task A_silent_agent_accepts_and_then_neither_heartbeats_nor_reports()
    {
        await using var server = await FakeClawServer.StartAsync();
        server.Offer("w-7");
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Pull, AgentBehaviour.Silent));
        await agent.WaitUntilAsync(a => a.IsSilent, Deadline);
        var heartbeats = server.CallsTo("heartbeat").Count();

        // A diligent agent on the same timings would heartbeat several times in this span.
        var spoke = server.WaitUntilAsync(s => s.CallsTo("heartbeat").Count() > heartbeats || s.CallsTo("progress").Any(), TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutException>(() => spoke);
        Assert.Equal(["w-7"], agent.Observed.Accepted);
    }

    [Fact]
    public async Task A_pull_agent_stops_working_when_the_server_says_its_lease_is_gone()
    {
        await using var server = await FakeClawServer.StartAsync();
        server.LeaseGone["w-8"] = true;
        server.Offer("w-8");
        await using var agent = await SimulatedAgent.StartAsync(Options(server, AgentDelivery.Pull));

        // The refusal, not the acceptance: an agent has accepted for a moment before its run starts, with nothing active yet.
        await agent.WaitUntilAsync(a => a.Observed.Errors.Count > 0 && a.ActiveWorkItems.Count == 0, Deadline);

        Assert.Single(server.CallsTo("progress"));
        Assert.Empty(server.CallsTo("result"));
        var error = Assert.Single(agent.Observed.Errors);
        Assert.Equal(HttpStatusCode.Conflict, Assert.IsType<ClawApiException>(error.Exception).StatusCode);
        Assert.Equal("ready", ((ClawApiException)error.Exception).Problem!.GetString("state"));
    }

    [Fact]
    public async Task A_registration_refused_by_the_server_surfaces_as_an_api_exception_with_the_problem()
    {
        await using var server = await FakeClawServer.StartAsync();

        var refused = await Assert.ThrowsAsync<ClawApiException>(() =>
            SimulatedAgent.StartAsync(Options(server, AgentDelivery.Pull) with { JoinToken = "cg_join_wrong" }));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bad join token", refused.Problem!.Title);
    }
}
