namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The optional parts of the protocol an agent serves.</summary>
public sealed record AgentCapabilities
{
    public bool? Streaming { get; init; }

    public bool? PushNotifications { get; init; }

    public IReadOnlyList<AgentExtension>? Extensions { get; init; }

    public bool? ExtendedAgentCard { get; init; }
}
