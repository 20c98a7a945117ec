using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Results in review go to a validator agent other than their author, offered through the work item lifecycle.</summary>
public sealed class ReviewerPassTests
{
    private static readonly AgentSkill Review = new() { SkillId = "review", Name = "Code review", Level = 0.9 };

    /// <summary>The author fits the review best, so choosing someone else is the pass's doing.</summary>
    private static readonly ScriptedSkillModel Model = new()
    {
        Affinity = (_, profile) => (profile.Name == "author" ? 0.9f : 0.6f, 0),
    };

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_result_in_review_gets_a_review_attempt_by_another_agent_a_trail_event_and_an_offer_and_stays_in_review(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var author = await group.AddAgentAsync("author", 2, Review);
        var validator = await group.AddAgentAsync("validator", 2, Review);
        await using (var setup = database.NewContext())
        {
            await setup.Agents.Where(a => a.Id == validator.Id)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.Delivery, DeliveryMode.Webhook).SetProperty(x => x.WebhookUrl, "https://validator.example/hook"));
        }

        var item = await group.AddItemAsync("Add tests for the invoice export", w =>
            (w.State, w.Attempts, w.AssigneeKind, w.AssigneeAgentId) = (WorkItemState.InReview, 1, MemberKind.Agent, author.Id));

        var offered = await group.RunReviewerPassAsync(Model);

        Assert.Equal(1, offered);
        await using var reader = database.NewContext();
        var review = Assert.Single(await reader.Assignments.Where(a => a.WorkItemId == item.Id).ToListAsync());
        Assert.Equal((AssignmentRole.Review, validator.Id, 1, AssignmentOutcome.Active, 0.6), (review.Role, review.AgentId!.Value, review.Attempt, review.Outcome, review.Score));
        Assert.Equal("review skill; not the author; fit 0.60; load 0/2", review.Reason);
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == item.Id);
        Assert.Equal((WorkItemState.InReview, 1, author.Id, null), (stored.State, stored.Attempts, stored.AssigneeAgentId!.Value, stored.CurrentAssignmentId));
        var trail = Assert.Single(await reader.TrailEvents.Where(e => e.WorkItemId == item.Id).ToListAsync());
        Assert.Equal(("review.assigned", MemberKind.Coordinator, validator.Id), (trail.Type, trail.ActorKind, trail.AgentId!.Value));
        Assert.Contains("\"reviewerName\":\"validator\"", trail.DataJson, StringComparison.Ordinal);
        var offer = Assert.Single(await reader.OutboxMessages.Where(m => m.WorkItemId == item.Id).ToListAsync());
        Assert.Equal((AgentMessageTypes.Assigned, validator.Id), (offer.Type, offer.AgentId));
        // The offer carries the item as it is after the pass: with the review attempt it asks for.
        Assert.Contains("\"role\":\"review\"", offer.BodyJson, StringComparison.Ordinal);
    }
}
