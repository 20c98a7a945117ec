namespace ClawGroups.Coordinator.Cluster;

/// <summary>This process among the nodes sharing the database: its own news is not news to itself.</summary>
public sealed class ClusterNode
{
    public Guid Id { get; } = Guid.NewGuid();
}
