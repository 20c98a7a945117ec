using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>What dropping a card on a column asks the coordinator to do.</summary>
public enum BoardAction
{
    /// <summary>The card was dropped where it already is.</summary>
    None,
    TakeOver,
    HandBack,
    Complete,
    Approve,
}

/// <summary>
/// Turns a drag on the board into one of the moves a human may make, checked against the coordinator's state
/// machine before anything is sent, so a refused drop snaps back with the same reason the API would give.
/// </summary>
public static class BoardMoves
{
    /// <summary>The action for dropping <paramref name="item"/> on <paramref name="column"/>, or why it is refused.</summary>
    public static Outcome<BoardAction> ForDrop(WorkItemView item, string column, Guid humanId)
    {
        ArgumentNullException.ThrowIfNull(item);
        var state = WorkItemStates.Parse(item.State);
        if (BoardColumns.ColumnOf(state) == column)
        {
            return BoardAction.None;
        }

        var heldByMe = item.Assignee is { Kind: MemberKinds.Human } assignee && assignee.Id == humanId;
        return column switch
        {
            BoardColumns.InProgress => Checked(state, WorkItemMove.TakeOver, BoardAction.TakeOver),
            BoardColumns.Ready when heldByMe => Checked(state, WorkItemMove.HandBack, BoardAction.HandBack),
            BoardColumns.Ready => Failure.Conflict(
                "Only work you hold can be handed back by dragging. To take work from an agent, drag it to In progress or use Reassign in its details."),
            BoardColumns.Done when state == WorkItemState.InReview => Checked(state, WorkItemMove.Approve, BoardAction.Approve),
            BoardColumns.Done when heldByMe => Checked(state, WorkItemMove.Finish, BoardAction.Complete),
            BoardColumns.Done => Failure.Conflict(
                "Work is done when its result is approved, or when you finish work you hold. Open the item to review or take it over."),
            BoardColumns.Assigned => Failure.Conflict(
                "The coordinator makes offers. To choose a member yourself, open the item and use Reassign."),
            BoardColumns.InReview => Failure.Conflict("Only a submitted result moves an item to review."),
            _ => Failure.Conflict($"There is no column named {column}."),
        };
    }

    private static Outcome<BoardAction> Checked(WorkItemState state, WorkItemMove move, BoardAction action)
    {
        var target = WorkItemStateMachine.Target(state, move);
        return target.Succeeded ? action : target.Failure!;
    }
}
