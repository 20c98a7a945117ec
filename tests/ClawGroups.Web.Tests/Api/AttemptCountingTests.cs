using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using static ClawGroups.Web.Tests.Api.SignOffTests;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// One truth about an item's attempts, progress and its holder's load, on PostgreSQL (docs/API.md, "Attempts, progress, load
/// and presence"): offers never accepted are not attempts, the count never passes <c>maxAttempts</c>, a new holder starts
/// with clean progress, and a result waiting in review does not load its author.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class AttemptCountingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MaxAttempts"] = "2",
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "60",
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_declined_offer_is_not_an_attempt_and_a_rejected_last_attempt_fails_the_item_at_the_maximum()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agents = new Dictionary<string, ClawApiClient>();
        foreach (var name in new[] { "anvil", "forge" })
        {
            var (id, client) = await RegisterAsync(scenario, name);
            agents[id] = client;
        }

        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Port the billing export to the new API"));
        var declinedBy = await OfferedAsync(scenario, item.Id);
        await agents[declinedBy].DeclineAsync(item.Id, "not my area");

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var holder = await OfferedAsync(scenario, item.Id);
            Assert.Equal(attempt - 1, (await scenario.Human.GetWorkItemAsync(item.Id)).Attempts);
            await agents[holder].AcceptAsync(item.Id);
            await agents[holder].SubmitResultAsync(item.Id, new WorkResult($"try {attempt}", []));
            await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);
            await scenario.Human.ReviewAsync(item.Id, approve: false, feedback: "the totals are off");
        }

        var failed = await scenario.WaitForStateAsync(item.Id, WorkItemStates.Failed, Deadline);
        Assert.Equal(2, failed.Attempts);
        Assert.Equal(3, failed.Assignments.Count);
        Assert.Equal("declined", failed.Assignments[0].Outcome);
        var escalation = (await scenario.Human.GetEventsAsync(item.Id)).Single(e => e.Type == "work.failed");
        Assert.Equal("rejected", escalation.Data!.Value.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_new_holder_starts_with_clean_progress_and_a_persons_reassignment_spends_no_attempt()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (forgeId, forge) = await RegisterAsync(scenario, "forge");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Render the invoice PDF"));
        await OfferedToAsync(scenario, item.Id, forgeId);
        await forge.AcceptAsync(item.Id);
        await forge.ReportProgressAsync(item.Id, new ProgressReport(1, "forge: step 4/4"));
        var (pixelId, _) = await RegisterAsync(scenario, "pixel");

        await scenario.Human.ReassignAsync(item.Id, pixelId);

        var moved = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(pixelId, moved.Assignee?.Id);
        Assert.Equal(0.0, moved.Progress?.Fraction);
        Assert.Null(moved.Progress?.Message);
        Assert.Equal(1, moved.Attempts);
        // Earlier attempts stay in the log.
        Assert.Contains(await scenario.Human.GetEventsAsync(item.Id),
            e => e.Type == "work.progress" && e.Data!.Value.GetProperty("message").GetString() == "forge: step 4/4");
    }

    [Fact]
    public async Task A_result_waiting_in_review_does_not_load_its_author_in_the_roster_or_in_the_next_reason()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (agentId, agent) = await RegisterAsync(scenario, "forge", capacity: 2);
        var reviewed = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Write the release notes"));
        await OfferedToAsync(scenario, reviewed.Id, agentId);
        await agent.AcceptAsync(reviewed.Id);
        await agent.SubmitResultAsync(reviewed.Id, new WorkResult("notes written", []));
        await scenario.WaitForStateAsync(reviewed.Id, WorkItemStates.InReview, Deadline);
        Assert.Equal(0, await RosterLoadAsync(scenario, agentId));

        var next = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Tag the release"));
        var offered = await OfferedToAsync(scenario, next.Id, agentId);

        // The reason gives the load the pass saw when it chose (before this offer); the roster counts the offer too.
        Assert.EndsWith("load 0/2", offered.Assignments.Single().Reason, StringComparison.Ordinal);
        Assert.Equal(1, await RosterLoadAsync(scenario, agentId));
    }

    private static async Task<int> RosterLoadAsync(ApiScenario scenario, string agentId)
        => (await scenario.Human.GetGroupAsync(scenario.Group.Id)).Members.Single(m => m.Id == agentId).Extra!["load"].GetInt32();

    /// <summary>Waits until the item is offered to any agent; its id.</summary>
    private static async Task<string> OfferedAsync(ApiScenario scenario, string workItemId)
        => (await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(workItemId),
            w => w.State == WorkItemStates.Assigned && w.Assignee is not null, $"work item {workItemId} to be offered", Deadline)).Assignee!.Id;
}
