using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Webhooks;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// Writes messages to agents into the outbox, in the caller's unit of work: a message exists exactly when the
/// change it announces was committed. Webhook agents' messages are due at once; pull agents collect theirs.
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
            DueAt = agent.Delivery == DeliveryMode.Webhook ? now : null,
        };
        context.OutboxMessages.Add(message);
        return message;
    }
}
