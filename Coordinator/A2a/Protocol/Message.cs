using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>One turn between client and agent.</summary>
public sealed record Message
{
    public required string MessageId { get; init; }

    public string? ContextId { get; init; }

    public string? TaskId { get; init; }

    public Role Role { get; init; }

    public IReadOnlyList<Part> Parts { get; init; } = [];

    public JsonElement? Metadata { get; init; }

    public IReadOnlyList<string>? Extensions { get; init; }

    public IReadOnlyList<string>? ReferenceTaskIds { get; init; }
}
