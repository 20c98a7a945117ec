using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>The moves that steer work in flight without changing its state (docs/API.md, "Work items").</summary>
public enum SteeringMove
{
    /// <summary>A word to whoever holds the item; an agent gets <c>work.message</c>, and the message stays in the item's log.</summary>
    Message,

    /// <summary>The agent's attempt stops counting towards a stall; the agent gets <c>work.paused</c>.</summary>
    Pause,

    /// <summary>The paused attempt counts again, from now; the agent gets <c>work.resumed</c>.</summary>
    Resume,
}

/// <summary>Who holds a work item, as seen by the person who would steer it.</summary>
public enum ItemHolder
{
    NoOne,
    Agent,
    AnotherHuman,
    TheAsker,
}

/// <summary>
/// The one place that decides which steering moves a work item allows. The service refuses by it and the drawer offers
/// by it, so the board never offers a move the API would refuse, nor hides one it would make.
/// </summary>
/// <remarks>
/// Read from the contract's words: a message "steers the assignee mid-run", so it needs an attempt in flight held by
/// someone other than the sender; a paused item "is never counted as stalled" and "the agent gets <c>work.paused</c>",
/// so pausing is for an agent's work, which alone is judged for stalls. Resuming is allowed to whoever holds a paused
/// item, so that nothing paused stays paused for good.
/// </remarks>
public static class SteeringRule
{
    public static bool Allows(SteeringMove move, WorkItemState state, ItemHolder holder, bool paused)
        => Refusal(move, state, holder, paused) is null;

    /// <summary>Why the move is not allowed now (a conflict naming the item's state), or null when it is.</summary>
    public static Failure? Refusal(SteeringMove move, WorkItemState state, ItemHolder holder, bool paused)
    {
        var inFlight = state is WorkItemState.Assigned or WorkItemState.InProgress;
        var refusal = move switch
        {
            SteeringMove.Message when !inFlight => $"The work item is {WorkItemStates.ApiName(state)}: there is no one to steer.",
            SteeringMove.Message when holder == ItemHolder.TheAsker => "You hold this work item: there is no one else to steer.",
            SteeringMove.Pause or SteeringMove.Resume when !inFlight
                => $"Only assigned or in-progress work can be {(move == SteeringMove.Pause ? "paused" : "resumed")}; this item is {WorkItemStates.ApiName(state)}.",
            SteeringMove.Pause when holder != ItemHolder.Agent => "Only an agent's work can be paused: a person's work is never counted as stalled.",
            SteeringMove.Pause when paused => "The work item is already paused.",
            SteeringMove.Resume when !paused => "The work item is not paused.",
            _ => null,
        };
        return refusal is null ? null : Failure.Conflict(refusal, new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(state) });
    }

    /// <summary>Who holds <paramref name="item"/>, seen by <paramref name="askerId"/>.</summary>
    public static ItemHolder HolderOf(WorkItem item, Guid askerId)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Holder(item.AssigneeKind, item.AssigneeAgentId ?? item.AssigneeUserId, askerId);
    }

    /// <summary>Who holds the item <paramref name="view"/> shows, seen by <paramref name="askerId"/>.</summary>
    public static ItemHolder HolderOf(WorkItemView view, Guid askerId)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.Assignee is { } assignee && Enum.TryParse<MemberKind>(assignee.Kind, ignoreCase: true, out var kind)
            ? Holder(kind, assignee.Id, askerId)
            : ItemHolder.NoOne;
    }

    private static ItemHolder Holder(MemberKind? kind, Guid? id, Guid askerId) => kind switch
    {
        MemberKind.Agent => ItemHolder.Agent,
        MemberKind.Human when id == askerId => ItemHolder.TheAsker,
        MemberKind.Human => ItemHolder.AnotherHuman,
        _ => ItemHolder.NoOne,
    };
}
