using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// Writes messages to agents into the outbox, in the caller's unit of work: a message exists exactly when the
/// change it announces was committed. Webhook and A2A agents' messages are due at once; pull agents collect theirs.
/// </summary>
public static class Outbox
{
    public static OutboxMessage AddAgentMessage(
        this ClawDbContext context, Agent agent, string type, object data, DateTimeOffset now, Guid? workItemId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(agent);
        var id = Guid.CreateVersion7(now);
        var message = new OutboxMessage
        {
            Id = id,
            GroupId = agent.GroupId,
            AgentId = agent.Id,
            WorkItemId = workItemId,
            Type = type,
            // Serialised once: the webhook signature covers exactly these bytes, on every retry.
            BodyJson = ClawJson.Serialize(new AgentMessageEnvelope(id, type, now, data)),
            CreatedAt = now,
            // Webhook and A2A agents are called (A2aDispatch turns the message into an A2A call); pull agents collect theirs.
            DueAt = agent.Delivery == DeliveryMode.Pull ? null : now,
        };
        context.OutboxMessages.Add(message);
        return message;
    }

    /// <summary>
    /// Voids the offers of <paramref name="workItemIds"/> not yet delivered to the agent: it lost them and must not start them
    /// when a delivery arrives later. Tracked, not a set-based write: the voiding commits with the move that took the offers
    /// back, or not at all.
    /// </summary>
    public static async Task VoidUndeliveredOffersAsync(
        this ClawDbContext context, Guid agentId, IReadOnlyCollection<Guid> workItemIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var unsent = await context.OutboxMessages
            .Where(m => m.AgentId == agentId && m.DeliveredAt == null && m.GaveUpAt == null && m.Type == AgentMessageTypes.Assigned
                        && m.WorkItemId != null && workItemIds.Contains(m.WorkItemId.Value))
            .ToListAsync(cancellationToken);
        foreach (var message in unsent)
        {
            message.GaveUpAt = now;
            message.DueAt = null;
        }
    }
}
