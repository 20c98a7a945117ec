using ClawGroups.Coordinator.Goals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// A goal's progress as its card shows it: sub-items done of those that count, how many wait for a decision, and where its
/// consolidation stands. Reckoned by <see cref="GoalShape.Counts"/>, the rule the API's goal view uses, from the items the
/// board holds; a value, so a card re-renders only when the numbers change.
/// </summary>
public sealed record GoalSummary(int Done, int Total, int NeedsDecision, string? ConsolidationState)
{
    public static GoalSummary? Of(WorkItemView item, IEnumerable<WorkItemView> groupItems)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(groupItems);
        if (item.Kind != WorkItemKinds.Goal)
        {
            return null;
        }

        var children = groupItems.Where(i => i.ParentId == item.Id).ToList();
        var (done, total, needsDecision) = GoalShape.Counts(WorkItemStates.Parse(item.State), children.Where(c => c.Kind != WorkItemKinds.Consolidation)
            .Select(c => (c.Id, WorkItemStates.Parse(c.State), c.Dropped)));
        var consolidation = children.Where(c => c.Kind == WorkItemKinds.Consolidation && !c.Dropped).MaxBy(c => c.CreatedAt);
        return new GoalSummary(done, total, needsDecision.Count, consolidation?.State);
    }

    public bool IsDone(WorkItemState state) => state == WorkItemState.Done;
}
