using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Stalls;

/// <summary>
/// The stall rule for people (decision 0029): an offer a person has neither accepted nor declined within
/// <see cref="CoordinatorOptions.PersonOfferTimeoutSeconds"/> stalls and goes back to the coordinator, which offers it to
/// someone else (a member who stalled on an item is not offered it again). Once accepted, a person's work is theirs as a
/// takeover is: they hand it back when they cannot finish it.
/// </summary>
public sealed class PersonOfferSweep(ClawDbContext context, WorkItemLifecycle lifecycle, IOptionsMonitor<CoordinatorOptions> options, TimeProvider time)
{
    /// <summary>Items whose unanswered offer to a person moved on; safe to run twice (it reads the state afresh).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var defaults = options.CurrentValue;
        var offeredBefore = time.GetUtcNow() - TimeSpan.FromSeconds(defaults.PersonOfferTimeoutSeconds);
        var lapsed = await context.WorkItems
            .Include(w => w.Assignments)
            .Include(w => w.Group)
            .Where(w => w.State == WorkItemState.Assigned && w.AssigneeUserId != null && w.PausedAt == null
                        && w.Assignments.Any(a => a.Id == w.CurrentAssignmentId && a.EndedAt == null && a.AcceptedAt == null && a.OfferedAt < offeredBefore))
            .ToListAsync(cancellationToken);
        foreach (var item in lapsed)
        {
            var userId = item.AssigneeUserId;
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Stalled, cancellationToken, stallReason: StallReason.NoProgress);
            if (AttemptRule.Exhausted(item, item.Group!, defaults))
            {
                WorkItemStateMachine.Apply(item, WorkItemMove.Fail, lifecycle.Now);
                context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Failed, lifecycle.Now,
                    new { reason = "offerUnanswered", attempts = item.Attempts, escalated = true }, item.Id);
                continue;
            }

            WorkItemStateMachine.Apply(item, WorkItemMove.Stall, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Stalled, lifecycle.Now, new { reason = "offerUnanswered", userId }, item.Id);
        }

        if (lapsed.Count > 0)
        {
            try
            {
                await lifecycle.SaveAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The person answered meanwhile, or another sweep moved the item first; the next sweep looks again.
                context.ChangeTracker.Clear();
                lifecycle.Reset();
                return 0;
            }
        }

        return lapsed.Count;
    }
}
