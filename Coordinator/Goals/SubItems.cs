using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// Turns a checked plan into a goal's sub-items, in one unit of work: each under the goal, its dependencies mapped from
/// the plan's keys to the new items' ids, ready when it depends on nothing (else blocked until its dependencies are done),
/// read by the group's skill model after the commit as any new item is (all in one batch), and the coordinator told there is work.
/// </summary>
internal static class SubItems
{
    public static async Task<List<WorkItem>> CreateAsync(
        ClawDbContext context, WorkItemLifecycle lifecycle, WorkItem goal, IReadOnlyList<PlanItemRequest> order,
        Caller creator, CancellationToken cancellationToken)
    {
        var now = lifecycle.Now;
        var ids = order.ToDictionary(i => i.Key!.Trim(), _ => Guid.CreateVersion7(now), StringComparer.Ordinal);
        var created = new List<WorkItem>(order.Count);
        foreach (var planned in order)
        {
            var key = planned.Key!.Trim();
            var dependsOn = (planned.DependsOn ?? []).Select(d => ids[d.Trim()]).Distinct().ToList();
            var item = new WorkItem
            {
                Id = ids[key],
                GroupId = goal.GroupId,
                ParentId = goal.Id,
                Kind = WorkItemKind.Task,
                Title = planned.Title!.Trim(),
                Description = planned.Description?.Trim() ?? "",
                RequiredSkills = planned.RequiredSkills is { } skills ? WorkItemFields.Skills(skills) : [],
                Priority = goal.Priority,
                State = dependsOn.Count == 0 ? WorkItemState.Ready : WorkItemState.Backlog,
                StateChangedAt = now,
                CreatedByKind = creator.Kind,
                CreatedById = creator.Id,
                CreatedAt = now,
                UpdatedAt = now,
            };
            item.DependsOn.AddRange(dependsOn.Select(id => new WorkItemDependency { WorkItemId = item.Id, DependsOnId = id }));
            context.WorkItems.Add(item);
            context.AddTrailEvent(goal.GroupId, creator, TrailEventTypes.Created, now,
                new { item.Title, state = WorkItemStates.ApiName(item.State), item.RequiredSkills, item.Priority, dependsOn, goalId = goal.Id, planKey = key }, item.Id);
            created.Add(item);
        }

        foreach (var item in created)
        {
            lifecycle.TextWritten(item);
        }

        lifecycle.AssignmentNeeded(goal.GroupId);
        return created;
    }
}
