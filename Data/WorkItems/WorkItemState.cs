namespace ClawGroups.Data.WorkItems;

/// <summary>The states of a work item; the API writes them camelCase (<c>inProgress</c>).</summary>
public enum WorkItemState
{
    Backlog = 0,
    Ready = 1,
    Assigned = 2,
    InProgress = 3,
    InReview = 4,
    Done = 5,
    Stalled = 6,
    Failed = 7,
    Cancelled = 8,
}
