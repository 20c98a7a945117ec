using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

/// <summary>Agents built against docs/API.md alone carry work from offer to result over real HTTP on PostgreSQL.</summary>
[Collection(WebTestCollection.Name)]
public sealed class AgentLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_pull_agent_takes_an_item_to_review_and_a_human_approves_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        var agent = await scenario.StartAgentAsync("pixel", SkillProfiles.Frontend, AgentDelivery.Pull);

        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("The checkout button overlaps the footer on phones"));
        var inReview = await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);
        await scenario.Human.ReviewAsync(item.Id, approve: true);

        var done = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(WorkItemStates.Done, done.State);
        Assert.Equal(agent.AgentId, done.Assignee?.Id);
        var attempt = Assert.Single(done.Assignments);
        // The skill matched, how well, and the rest of the score: "… → React UI (frontend); fit 0.71; skill level 0.80; load 0/2".
        Assert.Matches(@"→ .+; fit \d\.\d\d(, next best \d\.\d\d)?; skill level \d\.\d\d; load 0/\d", attempt.Reason);
        // The candidates the coordinator weighed for the offer (docs/API.md, additions): here the one member, chosen, at the attempt's score.
        var weighed = Assert.Single(attempt.Extra!["candidates"].EnumerateArray());
        Assert.Equal(agent.AgentId, weighed.GetProperty("memberId").GetString());
        Assert.True(weighed.GetProperty("chosen").GetBoolean());
        Assert.Equal(attempt.Score, weighed.GetProperty("score").GetDouble());
        Assert.Equal(attempt.Reason, weighed.GetProperty("reason").GetString());
        Assert.True(inReview.Result.HasValue, "the result the agent posted is on the item");
        var events = (await scenario.Human.GetEventsAsync(item.Id)).Select(e => e.Type).ToList();
        Assert.Equal(["work.created", "work.assigned", "work.accepted"], events.Take(3));
        Assert.Contains("work.progress", events);
        Assert.Equal(["work.result", "work.approved"], events.TakeLast(2));
    }

    [Fact]
    public async Task A_webhook_agent_receives_signed_work_and_its_result_finishes_the_item_without_review()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var agent = await scenario.StartAgentAsync("ledger", SkillProfiles.Accounting, AgentDelivery.Webhook);

        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Match vendor payments to invoices"));
        var done = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        Assert.Equal(agent.AgentId, done.Assignee?.Id);
        Assert.Contains(agent.Webhook!.Received, d => d.Type == "work.assigned" && d.DataString("id") == item.Id);
        Assert.Equal(0, agent.BadSignatures);
        Assert.Contains(item.Id, agent.Observed.Completed);
    }

    [Fact]
    public async Task A_flaky_webhook_endpoint_gets_the_offer_after_retries_and_acts_on_it_once()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var agent = await scenario.StartAgentAsync("flaky", SkillProfiles.Backend, AgentDelivery.Webhook, AgentBehaviour.FlakyWebhook(3));

        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a retry to the payment service client"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        var offer = Assert.Single(agent.Webhook!.Received, d => d.Type == "work.assigned");
        Assert.True(agent.Webhook.AttemptsSeen(offer.Id) >= 4, $"the offer was seen {agent.Webhook.AttemptsSeen(offer.Id)} times");
        Assert.Equal([item.Id], agent.Observed.Accepted);
        await using var context = _app.Database.NewContext();
        var message = await context.OutboxMessages.Include(m => m.DeliveryAttempts).SingleAsync(m => m.Id == Guid.Parse(offer.Id));
        Assert.NotNull(message.DeliveredAt);
        Assert.Equal(3, message.DeliveryAttempts.Count(a => a.StatusCode == 500));
    }

    [Fact]
    public async Task Agents_receive_the_items_that_match_their_skills()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var frontend = await scenario.StartAgentAsync("pixel", SkillProfiles.Frontend, AgentDelivery.Pull);
        var accounting = await scenario.StartAgentAsync("ledger", SkillProfiles.Accounting, AgentDelivery.Pull);

        var ui = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Make the React settings page responsive", "CSS layout breaks on small screens"));
        var books = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Reconcile the invoices with the ledger", "month-end close for accounts payable"));

        var uiDone = await scenario.WaitForStateAsync(ui.Id, WorkItemStates.Done, Deadline);
        var booksDone = await scenario.WaitForStateAsync(books.Id, WorkItemStates.Done, Deadline);
        Assert.True(frontend.AgentId == uiDone.Assignee?.Id, $"the UI item went to {uiDone.Assignee?.Name}: {Weighed(uiDone)}");
        Assert.True(accounting.AgentId == booksDone.Assignee?.Id, $"the books item went to {booksDone.Assignee?.Name}: {Weighed(booksDone)}");
    }

    /// <summary>
    /// Each offer's reason and the members it weighed, for a failure's message: this test failed once in CI with the books
    /// item offered to the front-end agent, and the reason alone could not say whether the accounting agent was weighed.
    /// </summary>
    private static string Weighed(WorkItem item) => string.Join(" | ", item.Assignments.Select(a =>
        $"{a.Reason} (weighed: {(a.Extra?.TryGetValue("candidates", out var candidates) == true ? candidates.GetRawText() : "none")})"));
}
