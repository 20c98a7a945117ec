namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>How the client wants a <c>SendMessage</c> handled.</summary>
public sealed record SendMessageConfiguration
{
    public IReadOnlyList<string>? AcceptedOutputModes { get; init; }

    public TaskPushNotificationConfig? TaskPushNotificationConfig { get; init; }

    public int? HistoryLength { get; init; }

    /// <summary>
    /// True: answer as soon as the task exists. False (the default): wait until it is terminal or interrupted.
    /// </summary>
    public bool ReturnImmediately { get; init; }
}
