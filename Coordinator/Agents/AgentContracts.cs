namespace ClawGroups.Coordinator.Agents;

/// <summary>What registration returns, once: the key and the secret are never shown again.</summary>
public sealed record AgentRegistered(Guid AgentId, Guid GroupId, string ApiKey, string WebhookSecret);

public sealed record AgentKeyRotated(Guid AgentId, string ApiKey);

public sealed record HeartbeatRequest(string? Status, string? Note);

/// <summary>The heartbeat's answer; pull agents find their pending messages (steering, pause, revocations) here.</summary>
public sealed record HeartbeatAnswer(Guid AgentId, string Status, IReadOnlyList<System.Text.Json.JsonElement> Messages);

/// <summary>The sign-off's answer: the agent's status now, and the offers it had not accepted that moved on.</summary>
public sealed record SignOffAnswer(Guid AgentId, string Status, IReadOnlyList<Guid> OffersMovedOn);
