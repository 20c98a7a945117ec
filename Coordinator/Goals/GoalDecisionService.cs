using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// A failed or cancelled sub-item holds its goal back until the goal's people decide: retry it, drop it (the goal is
/// consolidated without it) or re-plan the goal (what is still open is cancelled and dropped; what is done stays and is
/// consolidated with the new plan's results).
/// </summary>
public sealed class GoalDecisionService(ClawDbContext context, WorkItemLifecycle lifecycle, WorkItemService workItems)
{
    public async Task<Outcome<WorkItemView>> DecideAsync(Caller caller, Guid subItemId, SubItemDecisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Choice is not (SubItemChoices.Retry or SubItemChoices.Drop or SubItemChoices.Replan))
        {
            return Failure.Invalid("choice", "choice is required: retry, drop or replan.");
        }

        if (request.Feedback is { Length: > WorkItemLimits.MaxNoteLength })
        {
            return Failure.Invalid("feedback", $"feedback is at most {WorkItemLimits.MaxNoteLength} characters long.");
        }

        var (item, denied) = GroupAccess.RequireHuman(caller) is { } notHuman ? (null, notHuman) : await workItems.VisibleItemAsync(caller, subItemId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var goal = item!.ParentId is { } goalId ? await context.WorkItems.SingleOrDefaultAsync(w => w.Id == goalId && w.Kind == WorkItemKind.Goal, cancellationToken) : null;
        if (goal is null)
        {
            return Failure.Conflict("Only a goal's sub-item waits for its goal's people to decide about it.", StateOf(item));
        }

        if (goal.State == WorkItemState.Cancelled)
        {
            return Failure.Conflict("The goal was cancelled, and its sub-items with it: there is nothing left to decide.", StateOf(goal));
        }

        if (!GoalShape.NeedsDecision(item.State) || item.DroppedAt is not null)
        {
            return Failure.Conflict(
                $"Only a failed or cancelled sub-item that is not dropped waits for a decision; this one is {WorkItemStates.ApiName(item.State)}"
                + (item.DroppedAt is null ? "." : " and dropped."), StateOf(item));
        }

        var refused = request.Choice switch
        {
            SubItemChoices.Retry => Retry(item),
            SubItemChoices.Drop => await DropAsync(goal, item, cancellationToken),
            _ => await ReplanAsync(goal, item, request.Feedback, cancellationToken),
        };
        if (refused is not null)
        {
            return refused;
        }

        var data = new { subItemId = item.Id, request.Choice, request.Feedback };
        context.AddTrailEvent(goal.GroupId, caller, TrailEventTypes.SubItemDecided, lifecycle.Now, data, goal.Id);
        context.AddTrailEvent(goal.GroupId, caller, TrailEventTypes.SubItemDecided, lifecycle.Now, data, item.Id);
        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, cancellationToken);
    }

    private Failure? Retry(WorkItem item)
    {
        WorkItemStateMachine.Apply(item, item.State == WorkItemState.Failed ? WorkItemMove.Retry : WorkItemMove.Reopen, lifecycle.Now);
        AttemptRule.StartOver(item, lifecycle.Now);
        lifecycle.AssignmentNeeded(item.GroupId);
        return null;
    }

    private async Task<Failure?> DropAsync(WorkItem goal, WorkItem item, CancellationToken cancellationToken)
    {
        var dependents = await context.WorkItems
            .Where(w => w.DroppedAt == null && w.DependsOn.Any(d => d.DependsOnId == item.Id) && w.State != WorkItemState.Done && w.State != WorkItemState.Cancelled)
            .Select(w => w.Title).ToListAsync(cancellationToken);
        if (dependents.Count > 0)
        {
            // Its dependents would wait for it forever: they need it retried, or a new plan.
            return Failure.Conflict(
                $"Other sub-items depend on it ({string.Join(", ", dependents.Select(t => $"'{t}'"))}): retry it or re-plan the goal.", StateOf(item));
        }

        Close(item);
        await GoalProgress.ConsolidateWhenAllDoneAsync(context, lifecycle, goal, cancellationToken);
        return null;
    }

    private async Task<Failure?> ReplanAsync(WorkItem goal, WorkItem item, string? feedback, CancellationToken cancellationToken)
    {
        if (goal.State != WorkItemState.Backlog || goal.PendingPlanJson is not null)
        {
            return Failure.Conflict("The goal is being planned already.", StateOf(goal));
        }

        var open = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.ParentId == goal.Id && w.DroppedAt == null && w.State != WorkItemState.Done).ToListAsync(cancellationToken);
        foreach (var sibling in open)
        {
            if (WorkItemStateMachine.IsOpen(sibling.State))
            {
                await lifecycle.EndAttemptAsync(sibling, AssignmentOutcome.Cancelled, cancellationToken, RevokeReasons.Cancelled);
            }

            Close(sibling);
        }

        FeedbackSteering.Remember(lifecycle, goal, $"Re-plan: '{item.Title}' {WorkItemStates.ApiName(item.State)}. {feedback}".Trim());
        (goal.AssigneeKind, goal.AssigneeAgentId, goal.AssigneeUserId) = (null, null, null);
        WorkItemStateMachine.Apply(goal, WorkItemMove.Unblock, lifecycle.Now);
        lifecycle.AssignmentNeeded(goal.GroupId);
        return null;
    }

    /// <summary>Cancels the sub-item if it is still open and marks it dropped: the goal no longer counts it.</summary>
    private void Close(WorkItem item)
    {
        if (WorkItemStateMachine.Allows(item.State, WorkItemMove.Cancel))
        {
            WorkItemStateMachine.Apply(item, WorkItemMove.Cancel, lifecycle.Now);
        }

        item.DroppedAt = lifecycle.Now;
        item.UpdatedAt = lifecycle.Now;
    }

    private static Dictionary<string, object?> StateOf(WorkItem item) => new() { ["state"] = WorkItemStates.ApiName(item.State) };
}
