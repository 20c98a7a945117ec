using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>The actions the work item drawer offers.</summary>
[Flags]
public enum DrawerAction
{
    None = 0,
    TakeOver = 1,
    HandBack = 2,
    Complete = 4,
    Reassign = 8,
    Approve = 16,
    Cancel = 32,
    Retry = 64,
    Message = 128,
    Pause = 256,
    Resume = 512,
    CreateSubItem = 1024,
    Reject = 2048,
}

/// <summary>
/// Which actions make sense for an item now and for this person, decided from the coordinator's state machine and its
/// steering rule (so the drawer never offers a move the coordinator would refuse) plus who holds the item.
/// </summary>
public static class DrawerActions
{
    public static DrawerAction For(WorkItemView item, Guid humanId)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!WorkItemStates.TryParse(item.State, out var state))
        {
            return DrawerAction.None;
        }

        var holder = SteeringRule.HolderOf(item, humanId);
        var heldByMe = holder == ItemHolder.TheAsker;
        var actions = DrawerAction.None;
        Add(ref actions, DrawerAction.TakeOver, !heldByMe && WorkItemStateMachine.Allows(state, WorkItemMove.TakeOver));
        Add(ref actions, DrawerAction.HandBack, heldByMe && WorkItemStateMachine.Allows(state, WorkItemMove.HandBack));
        Add(ref actions, DrawerAction.Complete, heldByMe && WorkItemStateMachine.Allows(state, WorkItemMove.Finish));
        Add(ref actions, DrawerAction.Reassign, WorkItemStateMachine.Allows(state, WorkItemMove.Reassign));
        Add(ref actions, DrawerAction.Approve, WorkItemStateMachine.Allows(state, WorkItemMove.Approve));
        Add(ref actions, DrawerAction.Reject, WorkItemStateMachine.Allows(state, WorkItemMove.Reject));
        Add(ref actions, DrawerAction.Cancel, WorkItemStateMachine.Allows(state, WorkItemMove.Cancel));
        Add(ref actions, DrawerAction.Retry, WorkItemStateMachine.Allows(state, WorkItemMove.Retry));
        Add(ref actions, DrawerAction.Message, SteeringRule.Allows(SteeringMove.Message, state, holder, item.Paused));
        Add(ref actions, DrawerAction.Pause, SteeringRule.Allows(SteeringMove.Pause, state, holder, item.Paused));
        Add(ref actions, DrawerAction.Resume, SteeringRule.Allows(SteeringMove.Resume, state, holder, item.Paused));
        Add(ref actions, DrawerAction.CreateSubItem, WorkItemStateMachine.IsOpen(state));
        return actions;
    }

    private static void Add(ref DrawerAction actions, DrawerAction action, bool when)
    {
        if (when)
        {
            actions |= action;
        }
    }
}
