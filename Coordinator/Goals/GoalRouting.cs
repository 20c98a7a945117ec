using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// Who a goal goes to: a member who can plan. A goal created without required skills requires <c>planning</c> (a skill id
/// or tag, as any required skill), so the coordinator's usual routing offers it to a planner; a person who names other
/// skills chooses the planner themselves.
/// </summary>
public static class GoalRouting
{
    public const string PlanningSkill = "planning";

    public static List<string> DefaultSkills(WorkItemKind kind) => kind == WorkItemKind.Goal ? [PlanningSkill] : [];
}
