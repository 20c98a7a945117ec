using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// A member's <c>status</c> as the API writes it: an agent's <see cref="AgentStatus"/>, or a person's presence (online,
/// busy, offline). Constants, so that the roster can match on them without spelling the names again.
/// </summary>
public static class MemberStatuses
{
    public const string Online = "online";

    public const string Busy = "busy";

    public const string Offline = "offline";

    public const string Stalled = "stalled";

    public const string Paused = "paused";

    public const string Unreachable = "unreachable";

    public const string Revoked = "revoked";

    public static string ApiName(AgentStatus status) => status switch
    {
        AgentStatus.Online => Online,
        AgentStatus.Busy => Busy,
        AgentStatus.Stalled => Stalled,
        AgentStatus.Offline => Offline,
        AgentStatus.Paused => Paused,
        AgentStatus.Unreachable => Unreachable,
        AgentStatus.Revoked => Revoked,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, $"The API has no name for the agent status {status}."),
    };
}
