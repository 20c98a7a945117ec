using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// A cancelled goal takes its unfinished work with it: every open or failed sub-item, the consolidation item included, is
/// cancelled in the same unit of work, its member told to stop as for any cancel. Done sub-items stay done.
/// </summary>
public static class GoalCancellation
{
    public static async Task CancelSubItemsAsync(ClawDbContext context, WorkItemLifecycle lifecycle, WorkItem goal, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(goal);
        if (goal.Kind != WorkItemKind.Goal)
        {
            return;
        }

        var unfinished = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.ParentId == goal.Id && w.State != WorkItemState.Done && w.State != WorkItemState.Cancelled)
            .ToListAsync(cancellationToken);
        foreach (var subItem in unfinished.Where(w => WorkItemStateMachine.Allows(w.State, WorkItemMove.Cancel)))
        {
            await lifecycle.EndAttemptAsync(subItem, AssignmentOutcome.Cancelled, cancellationToken, RevokeReasons.Cancelled);
            WorkItemStateMachine.Apply(subItem, WorkItemMove.Cancel, lifecycle.Now);
            context.AddTrailEvent(subItem.GroupId, caller, TrailEventTypes.Cancelled, lifecycle.Now, new { goalId = goal.Id }, subItem.Id);
        }
    }
}
