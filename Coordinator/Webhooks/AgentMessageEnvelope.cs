namespace ClawGroups.Coordinator.Webhooks;

/// <summary>The body of every message to an agent: by webhook POST, or in a pull agent's heartbeat answer.</summary>
public sealed record AgentMessageEnvelope(Guid Id, string Type, DateTimeOffset CreatedAt, object Data);
