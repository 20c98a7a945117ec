using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The params of <c>GetTask</c>.</summary>
public sealed record GetTaskRequest
{
    public string? Tenant { get; init; }

    public required string Id { get; init; }

    public int? HistoryLength { get; init; }
}

/// <summary>The params of <c>CancelTask</c>.</summary>
public sealed record CancelTaskRequest
{
    public string? Tenant { get; init; }

    public required string Id { get; init; }

    public JsonElement? Metadata { get; init; }
}

/// <summary>The params of <c>SubscribeToTask</c>.</summary>
public sealed record SubscribeToTaskRequest
{
    public string? Tenant { get; init; }

    public required string Id { get; init; }
}
