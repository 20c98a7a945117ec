using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// An item the coordinator holds for a person to route: the members who could take it fit it almost equally well, so it
/// waits with its best candidates instead of being offered blindly, until a person gives it to someone (one click on a
/// candidate is a reassignment), edits it, or otherwise moves it, or a member joins the group (then the next pass judges it
/// again, with the newcomer).
/// </summary>
public static class RoutingHold
{
    /// <summary>
    /// Holds <paramref name="item"/> with its best <paramref name="candidates"/>: sets the hold's columns (the caller writes
    /// them) and returns the trail's question, or null when it is the question the item was already held with.
    /// </summary>
    public static TrailEvent? Hold(WorkItem item, double confidence, IReadOnlyList<RoutingCandidateView> candidates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(candidates);
        var rounded = Math.Round(confidence, 3);
        var question = CandidatesJson.Write(candidates);
        // The same members at the same fit is the same question; the loads in the reasons move with every offer.
        var unchanged = item.RoutingHeldAt is not null && item.RoutingConfidence == rounded
                        && Candidates(item).Select(c => (c.MemberId, c.Affinity)).SequenceEqual(candidates.Select(c => (c.MemberId, c.Affinity)));
        (item.RoutingHeldAt, item.RoutingConfidence, item.RoutingCandidatesJson, item.UpdatedAt) = (now, rounded, question, now);
        // Judged again (a member joined) and still the same question: not news for the trail.
        return unchanged
            ? null
            : TrailExtensions.NewEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.NeedsRouting, now, new { confidence = rounded, candidates }, item.Id);
    }

    /// <summary>The candidates the item was held with, best first; none when it is not held.</summary>
    public static IReadOnlyList<RoutingCandidateView> Candidates(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return CandidatesJson.Read(item.RoutingCandidatesJson);
    }

    public static void Release(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        (item.RoutingHeldAt, item.RoutingConfidence, item.RoutingCandidatesJson) = (null, null, null);
    }
}
