using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Breakers;

/// <summary>
/// The ping-pong breaker: an item sent back to the coordinator (rejected, declined, handed back, reassigned) more than
/// <see cref="BreakerOptions.MaxBounces"/> times since a person last retried it stops bouncing: it fails and waits for a
/// person, whose <c>/retry</c> releases it with a fresh count.
/// </summary>
public static class PingPong
{
    private static readonly AssignmentOutcome[] Bounces =
        [AssignmentOutcome.Rejected, AssignmentOutcome.Declined, AssignmentOutcome.HandedBack, AssignmentOutcome.Reassigned];

    /// <summary>How often the item bounced since it was last cleared (its attempts loaded, the latest ending not saved yet).</summary>
    public static int BouncesOf(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Assignments.Count(a => a.Role == AssignmentRole.Work && a.EndedAt is not null && Bounces.Contains(a.Outcome)
                                           && (item.BouncesClearedAt is null || a.EndedAt > item.BouncesClearedAt));
    }

    /// <summary>Fails an item that came back once too often; true when it did.</summary>
    public static bool TripIfBouncing(ClawDbContext context, WorkItem item, BreakerOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(options);
        var bounces = BouncesOf(item);
        if (bounces <= options.MaxBounces || !WorkItemStateMachine.Apply(item, WorkItemMove.Fail, now).Succeeded)
        {
            return false;
        }

        context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Failed, now,
            new { reason = BreakerReasons.PingPong, attempts = item.Attempts, bounces, escalated = true }, item.Id);
        context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.BreakerTripped, now,
            new { reason = BreakerReasons.PingPong, bounces, limit = options.MaxBounces }, item.Id);
        return true;
    }
}
