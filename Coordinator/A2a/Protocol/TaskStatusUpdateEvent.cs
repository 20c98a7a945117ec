using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>A change of a task's status, streamed or pushed.</summary>
public sealed record TaskStatusUpdateEvent
{
    public required string TaskId { get; init; }

    public string? ContextId { get; init; }

    public required A2aTaskStatus Status { get; init; }

    public JsonElement? Metadata { get; init; }
}
