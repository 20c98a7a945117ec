using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>An artifact (or a chunk of one, with <see cref="Append"/>) a task produced, streamed or pushed.</summary>
public sealed record TaskArtifactUpdateEvent
{
    public required string TaskId { get; init; }

    public string? ContextId { get; init; }

    public required A2aArtifact Artifact { get; init; }

    public bool Append { get; init; }

    public bool LastChunk { get; init; }

    public JsonElement? Metadata { get; init; }
}
