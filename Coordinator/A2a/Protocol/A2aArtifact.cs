using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The spec's <c>Artifact</c>: an output of a task.</summary>
public sealed record A2aArtifact
{
    public required string ArtifactId { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<Part> Parts { get; init; } = [];

    public JsonElement? Metadata { get; init; }

    public IReadOnlyList<string>? Extensions { get; init; }
}
