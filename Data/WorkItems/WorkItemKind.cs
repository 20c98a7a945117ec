namespace ClawGroups.Data.WorkItems;

/// <summary>What a work item is for; the API writes it camelCase (<c>goal</c>).</summary>
public enum WorkItemKind
{
    /// <summary>Work a member does and answers with a result.</summary>
    Task = 0,

    /// <summary>Work a planner splits into sub-items; its result is their consolidated result (docs/decisions/0030).</summary>
    Goal = 1,

    /// <summary>The write-up of a goal's finished sub-items, created by the coordinator; its result becomes the goal's.</summary>
    Consolidation = 2,
}
