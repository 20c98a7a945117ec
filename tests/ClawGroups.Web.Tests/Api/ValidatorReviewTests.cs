using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>Results go to a validator agent with a review skill, never to their author, and its review decides.</summary>
[Collection(WebTestCollection.Name)]
public sealed class ValidatorReviewTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_validator_agent_other_than_the_author_reviews_the_result_and_its_approval_finishes_the_item()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        // The author can review too, so choosing someone else is the coordinator's doing, not a lack of options.
        var author = await scenario.StartAgentAsync("author", SkillProfiles.Reviewer, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add tests for the invoice export"));
        await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(item.Id), w => w.Assignee?.Id == author.AgentId, "the author's offer", Deadline);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Reviewer with { Name = "validator" });
        var validator = scenario.AgentClient(registration.ApiKey);
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);

        var offered = await Eventually.ReachAsync(async () =>
            {
                await validator.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
                return await validator.PullWorkAsync(registration.AgentId, waitSeconds: 1);
            }, w => w is not null, "the review offer", Deadline);
        await validator.ReviewAsync(item.Id, approve: true, feedback: "Looks right");

        Assert.Equal(item.Id, offered!.Id);
        Assert.Equal(WorkItemStates.InReview, offered.State);
        var done = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(WorkItemStates.Done, done.State);
        var review = Assert.Single(done.Assignments, a => a.Extra?["role"].GetString() == "review");
        Assert.Equal(registration.AgentId, review.MemberId);
        Assert.Equal("completed", review.Outcome);
        Assert.Contains(await scenario.Human.GetEventsAsync(item.Id), e => e.Type == "review.assigned");
    }

    [Fact]
    public async Task An_agent_not_asked_to_review_cannot_approve()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: true);
        var author = await scenario.StartAgentAsync("writer", SkillProfiles.Research, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Summarise the survey answers"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.InReview, Deadline);

        var own = await Record.ExceptionAsync(() => author.Api.ReviewAsync(item.Id, approve: true));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, Assert.IsType<ClawApiException>(own).StatusCode);
        Assert.Equal(WorkItemStates.InReview, (await scenario.Human.GetWorkItemAsync(item.Id)).State);
    }
}
