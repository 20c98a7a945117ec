namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>Who runs an agent.</summary>
public sealed record AgentProvider
{
    public required string Url { get; init; }

    public required string Organization { get; init; }
}
