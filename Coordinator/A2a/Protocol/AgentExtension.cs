using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>A protocol extension an agent supports.</summary>
public sealed record AgentExtension
{
    public required string Uri { get; init; }

    public string? Description { get; init; }

    public bool Required { get; init; }

    public JsonElement? Params { get; init; }
}
