using System.Net;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Webhooks;

/// <summary>
/// Deliveries to one agent run on several job workers at once. Each must record its attempt and schedule its retry, and
/// the agent's failure count must be exact, however the deliveries interleave on the agent's row.
/// </summary>
public sealed class ParallelDeliveryTests
{
    private const int AtOnce = 8;

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Failures_at_once_are_each_recorded_counted_and_due_again_on_the_backoff_schedule(DatabaseProvider provider)
    {
        using var scene = await WebhookScene.CreateAsync(provider, new WebhookOptions { UnreachableAfterFailures = 100 });
        var (messageIds, _) = await scene.SeedAsync(AtOnce);
        scene.Endpoint.HoldUntil = AtOnce;
        var start = scene.Time.GetUtcNow();

        var due = await scene.DeliverAtOnceAsync(messageIds);

        await using var reader = scene.NewContext();
        var messages = await reader.OutboxMessages.Include(m => m.DeliveryAttempts).ToListAsync();
        Assert.All(messages, m =>
        {
            Assert.Equal(1, m.Attempts);
            Assert.Equal(503, Assert.Single(m.DeliveryAttempts).StatusCode);
            Assert.Null(m.LockedUntil);
            // The first retry waits between half the base delay and the base delay (2 s).
            Assert.InRange(m.DueAt!.Value, start.AddSeconds(1), start.AddSeconds(2).AddMilliseconds(1));
        });
        Assert.All(due, d => Assert.InRange(d!.Value, start.AddSeconds(1), start.AddSeconds(2)));
        var agent = await reader.Agents.SingleAsync();
        Assert.Equal(AtOnce, agent.ConsecutiveDeliveryFailures);
        Assert.Equal(AgentStatus.Online, agent.Status);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Failures_at_once_that_cross_the_threshold_make_the_agent_unreachable_exactly_once(DatabaseProvider provider)
    {
        using var scene = await WebhookScene.CreateAsync(provider, new WebhookOptions { UnreachableAfterFailures = 3 });
        var (messageIds, offerId) = await scene.SeedAsync(AtOnce, withOffer: true);
        scene.Endpoint.HoldUntil = AtOnce;

        await scene.DeliverAtOnceAsync(messageIds);

        await using var reader = scene.NewContext();
        var agent = await reader.Agents.SingleAsync();
        Assert.Equal(AgentStatus.Unreachable, agent.Status);
        Assert.Equal(AtOnce, agent.ConsecutiveDeliveryFailures);
        Assert.Single(await reader.TrailEvents.Where(e => e.Type == "agent.unreachable").ToListAsync());
        Assert.Single(await reader.TrailEvents.Where(e => e.Type == "work.stalled").ToListAsync());
        Assert.Equal(WorkItemState.Stalled, (await reader.WorkItems.SingleAsync(w => w.Id == offerId)).State);
        var offer = await reader.Assignments.SingleAsync();
        Assert.Equal(AssignmentOutcome.Stalled, offer.Outcome);
        Assert.Equal(StallReason.WebhookUnreachable, offer.StallReason);
        Assert.Equal(AtOnce, await reader.DeliveryAttempts.CountAsync());
        Assert.All(await reader.OutboxMessages.Where(m => m.Type == AgentMessageTypes.Ping).ToListAsync(), m => Assert.Equal(1, m.Attempts));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Successes_at_once_to_an_unreachable_agent_are_each_recorded_and_make_it_reachable_once(DatabaseProvider provider)
    {
        using var scene = await WebhookScene.CreateAsync(provider, new WebhookOptions { UnreachableAfterFailures = 3 });
        var (messageIds, _) = await scene.SeedAsync(AtOnce, AgentStatus.Unreachable, failuresSoFar: 7);
        scene.Endpoint.HoldUntil = AtOnce;
        scene.Endpoint.Status = HttpStatusCode.OK;

        var due = await scene.DeliverAtOnceAsync(messageIds);

        Assert.All(due, Assert.Null);
        await using var reader = scene.NewContext();
        Assert.All(await reader.OutboxMessages.Include(m => m.DeliveryAttempts).ToListAsync(), m =>
        {
            Assert.NotNull(m.DeliveredAt);
            Assert.Null(m.DueAt);
            Assert.Equal(1, m.Attempts);
            Assert.Equal(200, Assert.Single(m.DeliveryAttempts).StatusCode);
        });
        var agent = await reader.Agents.SingleAsync();
        Assert.Equal((AgentStatus.Online, 0), (agent.Status, agent.ConsecutiveDeliveryFailures));
        Assert.Single(await reader.TrailEvents.Where(e => e.Type == "agent.reachable").ToListAsync());
    }
}
