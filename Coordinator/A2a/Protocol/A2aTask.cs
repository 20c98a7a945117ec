using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// The spec's <c>Task</c>: a unit of work, its status, its outputs and its history. Types whose spec name clashes
/// with one the code already has (<c>Task</c>, <c>TaskStatus</c>, <c>Artifact</c>, <c>AgentCard</c>, <c>AgentSkill</c>)
/// carry an A2a prefix; the JSON is the spec's.
/// </summary>
public sealed record A2aTask
{
    public required string Id { get; init; }

    public string? ContextId { get; init; }

    public required A2aTaskStatus Status { get; init; }

    public IReadOnlyList<A2aArtifact>? Artifacts { get; init; }

    public IReadOnlyList<Message>? History { get; init; }

    public JsonElement? Metadata { get; init; }
}
