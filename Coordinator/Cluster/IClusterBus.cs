using ClawGroups.Coordinator.Live;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// What one node tells the others: changes it committed (for their live clients) and agents with news (for the
/// long polls they hold). Hints only, like every signal here: a lost message delays a push or a wake, never data.
/// </summary>
public interface IClusterBus
{
    void Publish(LiveChange change);

    void AgentHasNews(Guid agentId);
}

/// <summary>A single node (the embedded default): nobody else to tell.</summary>
public sealed class SingleNodeBus : IClusterBus
{
    public void Publish(LiveChange change)
    {
    }

    public void AgentHasNews(Guid agentId)
    {
    }
}
