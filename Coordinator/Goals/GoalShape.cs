using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// How far a goal has come, from its sub-items alone: done of the ones that count (a dropped sub-item does not), the
/// failed or cancelled ones its people must decide about, and the consolidation step. The board reckons the same from the
/// items it holds (<see cref="Counts"/>), so the card and the API never disagree.
/// </summary>
public static class GoalShape
{
    public static GoalView Of(WorkItem goal, IReadOnlyList<WorkItem> subItems, IReadOnlyDictionary<Guid, string> names)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(subItems);
        var views = subItems.Where(w => w.Kind != WorkItemKind.Consolidation).Select(w => ToView(w, names)).ToList();
        var consolidation = subItems.Where(w => w.Kind == WorkItemKind.Consolidation).OrderByDescending(w => w.CreatedAt).FirstOrDefault();
        var (done, total, needsDecision) = Counts(goal.State, views.Select(v => (v.Id, WorkItemStates.Parse(v.State), v.Dropped)));
        return new GoalView(goal.Id, WorkItemStates.ApiName(goal.State), PendingPlan.Read(goal), views, done, total, needsDecision,
            consolidation is null ? null : ToView(consolidation, names));
    }

    /// <summary>Done of how many count, and the sub-items that wait for a decision (<see cref="WaitsForDecision"/>).</summary>
    public static (int Done, int Total, IReadOnlyList<Guid> NeedsDecision) Counts(
        WorkItemState goalState, IEnumerable<(Guid Id, WorkItemState State, bool Dropped)> subItems)
    {
        ArgumentNullException.ThrowIfNull(subItems);
        var counted = subItems.Where(s => !s.Dropped).ToList();
        return (counted.Count(s => s.State == WorkItemState.Done), counted.Count,
            counted.Where(s => WaitsForDecision(goalState, s.State, s.Dropped)).Select(s => s.Id).ToList());
    }

    public static bool NeedsDecision(WorkItemState state) => state is WorkItemState.Failed or WorkItemState.Cancelled;

    /// <summary>
    /// A failed or cancelled sub-item that is not dropped waits for its goal's people, unless the goal itself was cancelled:
    /// then its sub-items were cancelled with it and there is nothing left to decide.
    /// </summary>
    public static bool WaitsForDecision(WorkItemState goalState, WorkItemState subItemState, bool dropped)
        => goalState != WorkItemState.Cancelled && !dropped && NeedsDecision(subItemState);

    private static SubItemView ToView(WorkItem item, IReadOnlyDictionary<Guid, string> names)
    {
        var assigneeId = item.AssigneeAgentId ?? item.AssigneeUserId;
        var assignee = item.AssigneeKind is { } kind && assigneeId is { } id ? new MemberRef(WorkItemViews.KindName(kind), id, names.GetValueOrDefault(id, "")) : null;
        return new SubItemView(item.Id, item.Title, WorkItemStates.ApiName(item.State), WorkItemKinds.ApiName(item.Kind),
            item.DependsOn.Select(d => d.DependsOnId).ToList(), item.DroppedAt is not null, assignee);
    }
}
