namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The names on the wire that are not JSON fields: headers, media types, paths and the version spoken.</summary>
public static class A2aProtocol
{
    /// <summary>The only protocol version spoken; a call without the header means 0.3 and is refused.</summary>
    public const string Version = "1.0";

    public const string VersionHeader = "A2A-Version";

    /// <summary>The binding named in <see cref="AgentInterface.ProtocolBinding"/>.</summary>
    public const string JsonRpcBinding = "JSONRPC";

    /// <summary>The media type of JSON-RPC calls and their answers.</summary>
    public const string JsonRpcMediaType = "application/json";

    /// <summary>The media type of a push notification's body (a <see cref="StreamResponse"/>).</summary>
    public const string PushMediaType = "application/a2a+json";

    /// <summary>The header a push carries the token of its <see cref="TaskPushNotificationConfig"/> in.</summary>
    public const string NotificationTokenHeader = "X-A2A-Notification-Token";

    public const string EventStreamMediaType = "text/event-stream";

    /// <summary>Where a card lives, relative to an agent's base URL (which must end in a slash to resolve it).</summary>
    public const string AgentCardPath = ".well-known/agent-card.json";
}
