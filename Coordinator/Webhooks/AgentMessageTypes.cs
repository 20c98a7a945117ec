namespace ClawGroups.Coordinator.Webhooks;

/// <summary>The message types agents receive (docs/API.md, "Webhooks").</summary>
public static class AgentMessageTypes
{
    public const string Assigned = "work.assigned";
    public const string Revoked = "work.revoked";
    public const string Rejected = "work.rejected";
    public const string Message = "work.message";
    public const string Paused = "work.paused";
    public const string Resumed = "work.resumed";
    public const string Ping = "ping";
}

/// <summary>Why an agent lost an item (<c>work.revoked</c>'s <c>reason</c>).</summary>
public static class RevokeReasons
{
    public const string Takeover = "takeover";
    public const string Stalled = "stalled";
    public const string Reassigned = "reassigned";
    public const string Cancelled = "cancelled";
}
