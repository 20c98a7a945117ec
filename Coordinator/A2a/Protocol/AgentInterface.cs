namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>One endpoint of an agent: its URL, binding (<c>JSONRPC</c>, <c>GRPC</c>, <c>HTTP+JSON</c>) and version.</summary>
public sealed record AgentInterface
{
    public required string Url { get; init; }

    public required string ProtocolBinding { get; init; }

    public string? Tenant { get; init; }

    public required string ProtocolVersion { get; init; }
}
