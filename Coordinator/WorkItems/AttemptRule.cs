using ClawGroups.Coordinator.Breakers;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// What counts as an attempt, in one place (docs/API.md, "Attempts"). An attempt is a turn a member actually started: an
/// agent's accepted offer, or a person's turn. An offer never accepted (declined, moved on at a sign-off, taken back before
/// acceptance) is not one. A person taking over a run in flight continues its attempt (number and progress). Only the
/// coordinator's own re-offers spend attempts: a person's choice (a takeover, a reassignment) continues the current count, so <see cref="WorkItem.Attempts"/> never passes the group's maximum — when an
/// attempt ends without a result the group took and the count has reached it, the item fails and waits for a person.
/// </summary>
public static class AttemptRule
{
    /// <summary>The number an attempt opened now carries: the one it becomes once accepted.</summary>
    public static int NumberOfNext(WorkItem item, bool chosenByPerson)
    {
        ArgumentNullException.ThrowIfNull(item);
        return chosenByPerson ? Math.Max(item.Attempts, 1) : item.Attempts + 1;
    }

    /// <summary>The attempt started (accepted, or a person's turn, which starts at once): it counts from now.</summary>
    public static void Started(WorkItem item, Assignment attempt)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(attempt);
        item.Attempts = Math.Max(item.Attempts, attempt.Attempt);
    }

    /// <summary>The most attempts the item's group allows: its own setting, else the configured default.</summary>
    public static int MaxAttempts(Group group, CoordinatorOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(defaults);
        return group.MaxAttempts ?? defaults.MaxAttempts;
    }

    /// <summary>Whether an attempt that ended without a result the group took leaves the item failed rather than offered again.</summary>
    public static bool Exhausted(WorkItem item, Group group, CoordinatorOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Attempts >= MaxAttempts(group, defaults);
    }

    /// <summary>
    /// An item that came back to the coordinator (a rejection, a hand-back, a decline) with its attempts used up fails instead
    /// of being offered again, escalated to the group's people with <paramref name="reason"/>; true when it did.
    /// </summary>
    public static async Task<bool> FailIfExhaustedAsync(
        ClawDbContext context, WorkItem item, CoordinatorOptions defaults, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(item);
        var group = await context.Groups.AsNoTracking().SingleAsync(g => g.Id == item.GroupId, cancellationToken);
        if (!Exhausted(item, group, defaults))
        {
            // Attempts left, but an item that keeps coming back waits for a person all the same (the ping-pong breaker).
            return PingPong.TripIfBouncing(context, item, defaults.Breakers, now);
        }

        if (!WorkItemStateMachine.Apply(item, WorkItemMove.Fail, now).Succeeded)
        {
            return false;
        }

        context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Failed, now, new { reason, attempts = item.Attempts, escalated = true }, item.Id);
        return true;
    }

    /// <summary>
    /// A person gave a failed item another round: the count starts again (earlier attempts stay in the history), and so does
    /// the ping-pong breaker's count of bounces.
    /// </summary>
    public static void StartOver(WorkItem item, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Attempts = 0;
        item.BouncesClearedAt = now;
    }
}
