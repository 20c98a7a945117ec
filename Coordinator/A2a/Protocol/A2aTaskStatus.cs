using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The spec's <c>TaskStatus</c>: a task's state, with the agent's message about it and when it was recorded.</summary>
public sealed record A2aTaskStatus
{
    public TaskState State { get; init; }

    public Message? Message { get; init; }

    [JsonConverter(typeof(A2aTimestampConverter))]
    public DateTimeOffset? Timestamp { get; init; }
}
