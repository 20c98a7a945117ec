namespace ClawGroups.Data.WorkItems;

/// <summary>An edge of the dependency graph: <see cref="WorkItemId"/> is ready only when <see cref="DependsOnId"/> is done.</summary>
public class WorkItemDependency
{
    public Guid WorkItemId { get; set; }

    public Guid DependsOnId { get; set; }

    public WorkItem? DependsOn { get; set; }
}
