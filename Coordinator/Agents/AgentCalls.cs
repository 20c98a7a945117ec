using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// What an agent's own calls share, whether about being there (<see cref="AgentPresenceService"/>) or about its work
/// (<see cref="AgentWorkService"/>): only an agent's key may make them, and each sign of life holds the agent's leases
/// for one heartbeat timeout from then.
/// </summary>
internal static class AgentCalls
{
    /// <summary>Refuses a human's credentials (or none) on an agent's call; null for an agent.</summary>
    public static Failure? NotAnAgent(Caller caller)
        => caller.IsAgent ? null : Failure.Forbidden("This is an agent's call: use the agent's API key.");

    /// <summary>When a lease renewed at <paramref name="signOfLife"/> runs out.</summary>
    public static DateTimeOffset LeaseEndsAt(DateTimeOffset signOfLife, CoordinatorOptions options)
        => signOfLife.AddSeconds(options.HeartbeatTimeoutSeconds);
}
