using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// What an item's finishing means for the goal above it, in the same unit of work as the move that finished it: the last
/// sub-item done creates the goal's consolidation item; the consolidation done gives the goal its result and sends it to
/// review (or finishes it, when the group needs no review — and then what waits on the goal, a parent goal included, moves
/// on as after any item done).
/// </summary>
public static class GoalProgress
{
    public static async Task ItemDoneAsync(ClawDbContext context, WorkItemLifecycle lifecycle, WorkItem done, Caller actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(done);
        if (done.ParentId is not { } goalId)
        {
            return;
        }

        var goal = await context.WorkItems.Include(w => w.Artifacts).SingleOrDefaultAsync(w => w.Id == goalId && w.Kind == WorkItemKind.Goal, cancellationToken);
        // A goal being planned again, or whose plan awaits approval, is consolidated once its new plan's sub-items are done.
        if (goal is null || goal.State != WorkItemState.Backlog || goal.PendingPlanJson is not null)
        {
            return;
        }

        if (done.Kind == WorkItemKind.Consolidation)
        {
            await FinishAsync(context, lifecycle, goal, done, actor, cancellationToken);
        }
        else
        {
            await ConsolidateWhenAllDoneAsync(context, lifecycle, goal, cancellationToken);
        }
    }

    /// <summary>Creates the goal's consolidation item when every sub-item that counts is done and none is being consolidated already.</summary>
    public static async Task ConsolidateWhenAllDoneAsync(ClawDbContext context, WorkItemLifecycle lifecycle, WorkItem goal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(goal);
        // Tracked rows keep their unsaved state (the item just done is done here), artifacts included.
        var subItems = await context.WorkItems.Include(w => w.Artifacts).Where(w => w.ParentId == goal.Id)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(cancellationToken);
        var counted = subItems.Where(w => w.Kind != WorkItemKind.Consolidation && w.DroppedAt is null).ToList();
        var consolidating = subItems.Any(w => w.Kind == WorkItemKind.Consolidation && w.DroppedAt is null && WorkItemStateMachine.IsOpen(w.State));
        if (consolidating || counted.Count == 0 || counted.Any(w => w.State != WorkItemState.Done))
        {
            return;
        }

        var now = lifecycle.Now;
        var writerInGroup = await context.Agents.AnyAsync(
            a => a.GroupId == goal.GroupId && a.Status != AgentStatus.Revoked
                 && a.Skills.Any(s => s.SkillId.ToLower() == ConsolidationBrief.WritingSkill || s.Tags.Contains(ConsolidationBrief.WritingSkill)),
            cancellationToken);
        var consolidation = new WorkItem
        {
            Id = Guid.CreateVersion7(now),
            GroupId = goal.GroupId,
            ParentId = goal.Id,
            Kind = WorkItemKind.Consolidation,
            Title = ConsolidationBrief.TitleFor(goal),
            Description = ConsolidationBrief.DescriptionFor(goal, counted),
            // A writer where the group has one; otherwise the model picks the best member for the text, as for any item.
            RequiredSkills = writerInGroup ? [ConsolidationBrief.WritingSkill] : [],
            Priority = goal.Priority,
            State = WorkItemState.Ready,
            StateChangedAt = now,
            CreatedByKind = MemberKind.Coordinator,
            CreatedAt = now,
            UpdatedAt = now,
        };
        context.WorkItems.Add(consolidation);
        lifecycle.TextWritten(consolidation);
        context.AddTrailEvent(goal.GroupId, Caller.Coordinator, TrailEventTypes.Created, now,
            new { consolidation.Title, state = WorkItemStates.ApiName(consolidation.State), consolidation.RequiredSkills, consolidation.Priority, goalId = goal.Id }, consolidation.Id);
        context.AddTrailEvent(goal.GroupId, Caller.Coordinator, TrailEventTypes.Consolidating, now, new { consolidationId = consolidation.Id, subItems = counted.Count }, goal.Id);
        goal.UpdatedAt = now;
        lifecycle.AssignmentNeeded(goal.GroupId);
    }

    private static async Task FinishAsync(ClawDbContext context, WorkItemLifecycle lifecycle, WorkItem goal, WorkItem consolidation, Caller actor, CancellationToken cancellationToken)
    {
        var now = lifecycle.Now;
        var review = await context.Groups.Where(g => g.Id == goal.GroupId).Select(g => g.RequireReview).SingleAsync(cancellationToken);
        goal.ResultSummary = consolidation.ResultSummary;
        foreach (var artifact in consolidation.Artifacts.OrderBy(a => a.CreatedAt))
        {
            goal.Artifacts.Add(new Artifact
            {
                Id = Guid.CreateVersion7(now), WorkItemId = goal.Id, Name = artifact.Name, MediaType = artifact.MediaType, Content = artifact.Content,
                SizeBytes = artifact.SizeBytes, AuthorKind = artifact.AuthorKind, AuthorId = artifact.AuthorId, CreatedAt = now,
            });
        }

        goal.ProgressFraction = 1;
        goal.ProgressAt = now;
        WorkItemStateMachine.Apply(goal, review ? WorkItemMove.Consolidate : WorkItemMove.ConsolidateAndFinish, now);
        context.AddTrailEvent(goal.GroupId, actor, TrailEventTypes.Consolidated, now, new { consolidationId = consolidation.Id, review }, goal.Id);
        if (!review)
        {
            await lifecycle.UnblockDependentsAsync(goal, actor, cancellationToken);
        }
    }
}
