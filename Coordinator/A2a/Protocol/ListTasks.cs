using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The params of <c>ListTasks</c>.</summary>
public sealed record ListTasksRequest
{
    public string? Tenant { get; init; }

    public string? ContextId { get; init; }

    public TaskState? Status { get; init; }

    public int? PageSize { get; init; }

    public string? PageToken { get; init; }

    public int? HistoryLength { get; init; }

    [JsonConverter(typeof(A2aTimestampConverter))]
    public DateTimeOffset? StatusTimestampAfter { get; init; }

    public bool? IncludeArtifacts { get; init; }
}

/// <summary>The result of <c>ListTasks</c>.</summary>
public sealed record ListTasksResponse
{
    public IReadOnlyList<A2aTask> Tasks { get; init; } = [];

    public string? NextPageToken { get; init; }

    public int PageSize { get; init; }

    public int TotalSize { get; init; }
}
