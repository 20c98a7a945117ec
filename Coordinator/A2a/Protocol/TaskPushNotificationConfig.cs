namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// Where to push a task's updates. v1.0 flattens 0.3's <c>{ taskId, pushNotificationConfig: { … } }</c> into one
/// object; it is also what <c>CreateTaskPushNotificationConfig</c> takes and answers, and what
/// <see cref="SendMessageConfiguration.TaskPushNotificationConfig"/> carries (then without a task id).
/// </summary>
public sealed record TaskPushNotificationConfig
{
    public string? Tenant { get; init; }

    public string? Id { get; init; }

    public string? TaskId { get; init; }

    public required string Url { get; init; }

    /// <summary>Sent back in the <c>X-A2A-Notification-Token</c> header of each push, so the client knows it is ours.</summary>
    public string? Token { get; init; }

    public AuthenticationInfo? Authentication { get; init; }
}
