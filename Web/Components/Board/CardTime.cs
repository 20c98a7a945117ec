using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Shared;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// What a board card's clock shows: its time in state, and since when the agent holding it is silent (with that in words).
/// A card renders again only when this changes, so a card ticking every second costs a render only when its label moves.
/// </summary>
internal readonly record struct CardTime(string InState, DateTimeOffset? SilentSince, string Heard)
{
    public static readonly CardTime Unread = new("", null, "");

    /// <summary>The clock now for <paramref name="view"/>; <paramref name="holder"/> is the agent whose silence is watched, or null for none.</summary>
    public static CardTime Of(WorkItemView view, MemberView? holder, int heartbeatIntervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(view);
        // No holder to watch is never silent (SilentSince says null for it).
        var silentSince = HeartbeatWarning.SilentSince(holder, view.Progress.At, heartbeatIntervalSeconds);
        return new(Elapsed.Text(view.StateChangedAt), silentSince, silentSince is null ? "" : Elapsed.Text(silentSince, ago: true));
    }
}
