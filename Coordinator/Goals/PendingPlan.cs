using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>A goal's plan awaiting approval, kept as the JSON of its checked items (dependencies first).</summary>
internal static class PendingPlan
{
    public static IReadOnlyList<PlanItemRequest>? Read(WorkItem goal)
        => goal.PendingPlanJson is { } json ? JsonSerializer.Deserialize<List<PlanItemRequest>>(json, ClawJson.Options) : null;
}
