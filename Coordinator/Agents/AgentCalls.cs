using ClawGroups.Coordinator.Calls;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// What an agent's own calls share, whether about being there (<see cref="AgentPresenceService"/>) or about its work
/// (<see cref="AgentWorkService"/>): only an agent's key may make them. An attempt is a lease that lasts while its agent
/// gives signs of life and reports: the stall sweep reads both where they are kept (the agent's last heartbeat, the
/// attempt's last progress), so no call writes a lease's end of its own.
/// </summary>
internal static class AgentCalls
{
    /// <summary>Refuses a human's credentials (or none) on an agent's call; null for an agent.</summary>
    public static Failure? NotAnAgent(Caller caller)
        => caller.IsAgent ? null : Failure.Forbidden("This is an agent's call: use the agent's API key.");
}
