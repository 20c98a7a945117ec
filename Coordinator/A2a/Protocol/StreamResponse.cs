namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// One event of a stream (the <c>result</c> of each SSE event) and the body of a push: exactly one field is set.
/// </summary>
public sealed record StreamResponse
{
    public A2aTask? Task { get; init; }

    public Message? Message { get; init; }

    public TaskStatusUpdateEvent? StatusUpdate { get; init; }

    public TaskArtifactUpdateEvent? ArtifactUpdate { get; init; }
}
