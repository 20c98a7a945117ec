using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.WorkItems;
using static ClawGroups.Data.WorkItems.WorkItemState;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// The one place that decides which moves a work item allows. The API, the UI and the jobs all ask here, so a
/// refused move has the same answer wherever it is attempted. Steering, which changes no state, is decided beside it by
/// <see cref="SteeringRule"/>.
/// </summary>
public static class WorkItemStateMachine
{
    private static readonly WorkItemState[] Open = [Backlog, Ready, Assigned, InProgress, InReview, Stalled];

    private static readonly Dictionary<WorkItemMove, (WorkItemState[] From, Func<WorkItemState, WorkItemState> To)> Moves = new()
    {
        [WorkItemMove.Unblock] = ([Backlog], _ => Ready),
        [WorkItemMove.Block] = ([Ready], _ => Backlog),
        [WorkItemMove.Assign] = ([Ready, Stalled], _ => Assigned),
        [WorkItemMove.Accept] = ([Assigned], _ => InProgress),
        [WorkItemMove.Decline] = ([Assigned, InProgress], _ => Ready),
        [WorkItemMove.SubmitForReview] = ([InProgress], _ => InReview),
        [WorkItemMove.Finish] = ([InProgress], _ => Done),
        [WorkItemMove.Approve] = ([InReview], _ => Done),
        [WorkItemMove.Reject] = ([InReview], _ => Ready),
        [WorkItemMove.TakeOver] = ([Ready, Assigned, InProgress, Stalled], _ => InProgress),
        [WorkItemMove.HandBack] = ([InProgress], _ => Ready),
        [WorkItemMove.Reassign] = ([Ready, Assigned, InProgress, Stalled, Failed], _ => Assigned),
        [WorkItemMove.Stall] = ([Assigned, InProgress], _ => Stalled),
        [WorkItemMove.Fail] = ([Ready, Assigned, InProgress, Stalled], _ => Failed),
        [WorkItemMove.Retry] = ([Failed], _ => Ready),
        [WorkItemMove.Cancel] = (Open.Append(Failed).ToArray(), _ => Cancelled),
        [WorkItemMove.AcceptLateResult] = ([Ready, Assigned, InProgress, Stalled, Failed], _ => Done),
        [WorkItemMove.Plan] = ([InProgress], _ => Backlog),
        [WorkItemMove.Consolidate] = ([Backlog], _ => InReview),
        [WorkItemMove.ConsolidateAndFinish] = ([Backlog], _ => Done),
        [WorkItemMove.Reopen] = ([Cancelled], _ => Ready),
    };

    /// <summary>Whether the item is still in play (not done, failed or cancelled).</summary>
    public static bool IsOpen(WorkItemState state) => Open.Contains(state);

    public static bool Allows(WorkItemState from, WorkItemMove move) => Moves[move].From.Contains(from);

    /// <summary>The state a move leads to, or the reason it is not allowed from <paramref name="from"/>.</summary>
    public static Outcome<WorkItemState> Target(WorkItemState from, WorkItemMove move)
    {
        var (allowedFrom, to) = Moves[move];
        if (allowedFrom.Contains(from))
        {
            return to(from);
        }

        var allowed = string.Join(", ", allowedFrom.Select(WorkItemStates.ApiName));
        return Failure.Conflict(
            $"A work item that is {WorkItemStates.ApiName(from)} cannot be moved by {MoveName(move)}; that is allowed only from: {allowed}.",
            new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(from) });
    }

    /// <summary>Applies a move to the item if allowed, stamping the time of the change.</summary>
    public static Outcome<WorkItemState> Apply(WorkItem item, WorkItemMove move, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        var target = Target(item.State, move);
        if (target.Succeeded && target.Value != item.State)
        {
            item.State = target.Value;
            item.StateChangedAt = now;
            // Who should take the item was asked of a person in the state it left: whatever moved it answered the question.
            RoutingHold.Release(item);
        }

        if (target.Succeeded)
        {
            item.UpdatedAt = now;
        }

        return target;
    }

    private static string MoveName(WorkItemMove move) => move switch
    {
        WorkItemMove.SubmitForReview => "a result",
        WorkItemMove.Finish => "a result",
        WorkItemMove.TakeOver => "a takeover",
        WorkItemMove.HandBack => "a hand-back",
        WorkItemMove.Plan => "a plan",
        _ => $"{move.ToString().ToLowerInvariant()}",
    };
}
