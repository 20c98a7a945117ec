namespace ClawGroups.AgentSimulator.Api;

/// <summary>A planner's answer to a goal: sub-items under keys of the plan's own, <c>dependsOn</c> naming keys.</summary>
public sealed record Plan(IReadOnlyList<PlanItem> Items);

public sealed record PlanItem(
    string Key, string Title, string? Description = null, IReadOnlyList<string>? RequiredSkills = null, IReadOnlyList<string>? DependsOn = null);

/// <summary>What became of a plan: <c>approved</c> with the sub-items created, <c>awaitingApproval</c>, or <c>rejected</c>.</summary>
public sealed record PlanOutcome(string State, IReadOnlyList<WorkItem> WorkItems, WorkItem? Goal);

/// <summary>The work item kinds as the API writes them.</summary>
public static class WorkItemKinds
{
    public const string Task = "task";
    public const string Goal = "goal";
    public const string Consolidation = "consolidation";
}
