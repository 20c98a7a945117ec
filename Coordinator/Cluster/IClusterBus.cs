using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Database;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// What one node tells the others: changes it committed (for their live clients) and agents with news (for the long polls
/// they hold), hints only, like every signal here: a lost one delays a push or a wake, never data. And agents whose key
/// changed (for the keys the others believe, <see cref="Credentials.AgentKeyCache"/>), which is no hint: it is told in the
/// transaction that changes the key, so that the other nodes hear of it exactly when it commits.
/// </summary>
public interface IClusterBus
{
    void Publish(LiveChange change);

    void AgentHasNews(Guid agentId);

    /// <summary>
    /// The agent's key was rotated or the agent revoked, in <paramref name="context"/>'s open transaction: the other nodes
    /// forget the old key when it commits, and never if it does not.
    /// </summary>
    Task AgentKeyChangedAsync(ClawDbContext context, Guid agentId, CancellationToken cancellationToken);
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

    public Task AgentKeyChangedAsync(ClawDbContext context, Guid agentId, CancellationToken cancellationToken) => Task.CompletedTask;
}
