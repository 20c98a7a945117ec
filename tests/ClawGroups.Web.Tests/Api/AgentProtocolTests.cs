using System.Diagnostics;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Agents;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

/// <summary>The rest of the agent protocol: declines, human moves, long polls, unreachable webhooks, what is stored.</summary>
[Collection(WebTestCollection.Name)]
public sealed class AgentProtocolTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Webhooks:UnreachableAfterFailures"] = "3",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_declined_item_goes_to_another_agent_and_the_decliner_is_not_offered_it_again()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var decliner = await scenario.StartAgentAsync("picky", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Failing(FailingMode.Decline, "not my area"));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add pagination to the orders API"));
        await decliner.WaitUntilAsync(a => a.Observed.Declined.Contains(item.Id), Deadline);
        var willing = await scenario.StartAgentAsync("willing", SkillProfiles.Backend, AgentDelivery.Pull);

        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        Assert.Equal(willing.AgentId, done.Assignee?.Id);
        Assert.Equal("declined", done.Assignments[0].Outcome);
        Assert.Equal([item.Id], decliner.Observed.Declined.Distinct());
    }

    [Fact]
    public async Task A_human_reassigns_cancels_and_hands_back_and_the_agents_are_told()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var first = await scenario.StartAgentAsync("first", SkillProfiles.Research, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromMinutes(5)));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Interview five customers"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);
        var second = await scenario.StartAgentAsync("second", SkillProfiles.Research, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromMinutes(5)));

        await scenario.Human.ReassignAsync(item.Id, second.AgentId);
        await first.WaitUntilAsync(a => a.Observed.Revocations.Any(r => r.WorkItemId == item.Id && r.Reason == "reassigned"), Deadline);
        await second.WaitUntilAsync(a => a.Observed.Accepted.Contains(item.Id), Deadline);
        await scenario.Human.TakeoverAsync(item.Id);
        await scenario.Human.HandbackAsync(item.Id, "back to you, coordinator");
        var handedBack = await scenario.Human.GetWorkItemAsync(item.Id);
        await scenario.Human.CancelAsync(item.Id);

        Assert.Contains(handedBack.State, new[] { WorkItemStates.Ready, WorkItemStates.Assigned, WorkItemStates.InProgress });
        Assert.Equal(["reassigned", "takenOver", "handedBack"], handedBack.Assignments.Take(3).Select(a => a.Outcome));
        Assert.Equal(WorkItemStates.Cancelled, (await scenario.Human.GetWorkItemAsync(item.Id)).State);
    }

    [Fact]
    public async Task A_long_poll_wakes_as_soon_as_work_is_offered()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = "poller", Delivery = AgentDelivery.Pull });
        var agent = scenario.AgentClient(registration.ApiKey);
        var empty = Stopwatch.StartNew();
        Assert.Null(await agent.PullWorkAsync(registration.AgentId, waitSeconds: 1));
        empty.Stop();

        var waited = Stopwatch.StartNew();
        var pull = agent.PullWorkAsync(registration.AgentId, waitSeconds: 25);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a health endpoint to the API"));
        var offered = await pull;
        waited.Stop();

        Assert.True(empty.Elapsed >= TimeSpan.FromSeconds(0.9), "an empty long poll waits for its time");
        Assert.Equal(item.Id, offered?.Id);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"the poll woke after {waited.Elapsed}");
    }

    [Fact]
    public async Task An_unreachable_webhook_agent_loses_its_offers_to_a_reachable_one()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var broken = await scenario.StartAgentAsync("broken", SkillProfiles.Data, AgentDelivery.Webhook, AgentBehaviour.Failing(FailingMode.WebhookErrors));
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Build the weekly revenue dashboard"));
        await Eventually.ReachAsync(() => scenario.Human.GetGroupAsync(scenario.Group.Id),
            g => g.Members.Any(m => m.Id == broken.AgentId && m.Status == "unreachable"), "the agent to be unreachable", Deadline);
        var working = await scenario.StartAgentAsync("working", SkillProfiles.Data, AgentDelivery.Pull);

        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        Assert.Equal(working.AgentId, done.Assignee?.Id);
        Assert.Equal("webhookUnreachable", done.Assignments[0].Extra?["stallReason"].GetString());
    }

    [Fact]
    public async Task An_unreachable_webhook_agent_that_answers_again_is_reachable_and_gets_new_work()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        // Three failures make it unreachable; the probes after that fail twice more, then its endpoint works.
        var flaky = await scenario.StartAgentAsync("flaky", SkillProfiles.Data, AgentDelivery.Webhook, AgentBehaviour.FlakyWebhook(5));
        await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Load the CRM export into the warehouse"));
        await Eventually.ReachAsync(() => scenario.Human.GetGroupAsync(scenario.Group.Id),
            g => g.Members.Any(m => m.Id == flaky.AgentId && m.Status == "unreachable"), "the agent to be unreachable", Deadline);

        await Eventually.ReachAsync(() => scenario.Human.GetGroupAsync(scenario.Group.Id),
            g => g.Members.Any(m => m.Id == flaky.AgentId && m.Status is "online" or "busy"), "the agent to be reachable again", Deadline);
        var next = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Clean last week's CRM export"));

        var done = await scenario.WaitForStateAsync(next.Id, WorkItemStates.Done, Deadline);
        Assert.Equal(flaky.AgentId, done.Assignee?.Id);
    }

    [Fact]
    public async Task Registration_keeps_the_whole_card_and_stores_no_secret_in_clear()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var card = SkillProfiles.Frontend with
        {
            Name = "carded",
            Extra = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["provider"] = System.Text.Json.JsonDocument.Parse("""{"organization":"Example Labs"}""").RootElement,
            },
        };

        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, card);

        await using var context = _app.Database.NewContext();
        var stored = await context.Agents.Include(a => a.Skills).SingleAsync(a => a.Id == Guid.Parse(registration.AgentId));
        Assert.Contains("Example Labs", stored.CardJson, StringComparison.Ordinal);
        Assert.Equal(card.Skills.Count, stored.Skills.Count);
        Assert.DoesNotContain(registration.ApiKey, stored.ApiKeyHash, StringComparison.Ordinal);
        Assert.Equal(Coordinator.Credentials.SecretToken.Hash(registration.ApiKey), stored.ApiKeyHash);
        Assert.NotNull(stored.WebhookSecretProtected);
        Assert.DoesNotContain(registration.WebhookSecret!, stored.WebhookSecretProtected, StringComparison.Ordinal);
        Assert.Equal(AgentStatus.Online, stored.Status);
    }

    [Fact]
    public async Task Revoking_an_agent_gives_its_work_back_at_once()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var doomed = await scenario.StartAgentAsync("doomed", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Rewrite the cron job"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InProgress, Deadline);

        await scenario.Human.SendAsync(HttpMethod.Post, $"/api/v1/agents/{doomed.AgentId}/revoke", new { });
        var released = await scenario.Human.GetWorkItemAsync(item.Id);
        var successor = await scenario.StartAgentAsync("successor", SkillProfiles.Backend, AgentDelivery.Pull);
        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        Assert.Equal(WorkItemStates.Ready, released.State);
        Assert.Equal("revoked", done.Assignments[0].Outcome);
        Assert.Equal(successor.AgentId, done.Assignee?.Id);
    }

    [Fact]
    public async Task A_repeated_registration_with_an_idempotency_key_is_refused_and_no_credentials_are_stored()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registrar = scenario.Human.WithToken(joinToken.Token);
        var card = new { name = "replica", delivery = "pull" };

        var first = await registrar.SendAsync(HttpMethod.Post, "/api/v1/agents", card, idempotencyKey: "register-replica");
        var repeat = await Record.ExceptionAsync(() => registrar.SendAsync(HttpMethod.Post, "/api/v1/agents", card, idempotencyKey: "register-replica"));

        Assert.Equal(System.Net.HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, Assert.IsType<ClawApiException>(repeat).StatusCode);
        await using var context = _app.Database.NewContext();
        var record = await context.IdempotencyRecords.SingleAsync(r => r.Key == "register-replica");
        Assert.Null(record.ResponseBody);
        Assert.Single(await context.Agents.Where(a => a.Name == "replica").ToListAsync());
    }
}
