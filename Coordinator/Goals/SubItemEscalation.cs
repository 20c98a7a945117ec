using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// Tells a goal's people when one of its sub-items starts waiting for their decision: a <c>goal.needsDecision</c> event on
/// the goal, pushed live as any trail event. Sub-items fail in many places (the stall sweep, attempts running out, a person
/// cancelling, a breaker), so this reads the unit of work about to be saved rather than trusting each of them to call it —
/// as the live updates do (decision 0031).
/// </summary>
public static class SubItemEscalation
{
    public static async Task NoteWaitingAsync(ClawDbContext context, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TracksSubItems(context))
        {
            return;
        }

        // Entries() detects changes first (as SaveChanges would), so a state just set is seen here.
        var waiting = context.ChangeTracker.Entries<WorkItem>()
            .Where(e => e.State == EntityState.Modified && e.Entity.ParentId is not null && e.Entity.DroppedAt is null
                        && e.Entity.Kind != WorkItemKind.Consolidation && GoalShape.NeedsDecision(e.Entity.State)
                        && e.Property(w => w.State).OriginalValue != e.Entity.State)
            .Select(e => e.Entity)
            .ToList();
        foreach (var subItem in waiting)
        {
            // Tracked when the goal changed in the same unit of work (cancelled with its sub-items): then nothing waits.
            var goal = await context.WorkItems.FindAsync([subItem.ParentId!.Value], cancellationToken);
            if (goal is null || goal.Kind != WorkItemKind.Goal || !GoalShape.WaitsForDecision(goal.State, subItem.State, dropped: false))
            {
                continue;
            }

            context.AddTrailEvent(goal.GroupId, Caller.Coordinator, TrailEventTypes.GoalNeedsDecision, now,
                new { subItemId = subItem.Id, reason = WorkItemStates.ApiName(subItem.State), subItem.Title }, goal.Id);
        }
    }

    /// <summary>
    /// Whether the unit of work holds a sub-item at all, read without detecting changes: most hold none (an agent's call about
    /// a lone item), and detecting walks every tracked entity, as the save then does again.
    /// </summary>
    private static bool TracksSubItems(ClawDbContext context)
    {
        using var paused = DetectionPause.Begin(context.ChangeTracker);
        return context.ChangeTracker.Entries<WorkItem>().Any(e => e.Entity.ParentId is not null);
    }
}
