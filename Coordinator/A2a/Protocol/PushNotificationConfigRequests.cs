namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The params of <c>GetTaskPushNotificationConfig</c>.</summary>
public sealed record GetTaskPushNotificationConfigRequest
{
    public string? Tenant { get; init; }

    public required string TaskId { get; init; }

    public required string Id { get; init; }
}

/// <summary>The params of <c>DeleteTaskPushNotificationConfig</c> (its result is null).</summary>
public sealed record DeleteTaskPushNotificationConfigRequest
{
    public string? Tenant { get; init; }

    public required string TaskId { get; init; }

    public required string Id { get; init; }
}

/// <summary>The params of <c>ListTaskPushNotificationConfigs</c>.</summary>
public sealed record ListTaskPushNotificationConfigsRequest
{
    public string? Tenant { get; init; }

    public required string TaskId { get; init; }

    public int? PageSize { get; init; }

    public string? PageToken { get; init; }
}

/// <summary>The result of <c>ListTaskPushNotificationConfigs</c>.</summary>
public sealed record ListTaskPushNotificationConfigsResponse
{
    public IReadOnlyList<TaskPushNotificationConfig> Configs { get; init; } = [];

    public string? NextPageToken { get; init; }
}
