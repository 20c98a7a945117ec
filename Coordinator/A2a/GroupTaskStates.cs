using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// How a work item's state reads as an A2A task state (docs/API.md, "A group is an A2A agent"). Waiting to be taken is
/// submitted; held by a member, even a stalled or reviewed one, is working — the client cannot tell a retry from progress
/// and need not; a person's question back to the client is input-required.
/// </summary>
public static class GroupTaskStates
{
    public static TaskState Of(WorkItemState state, bool waitsForAnswer = false) => state switch
    {
        WorkItemState.Done => TaskState.Completed,
        WorkItemState.Failed => TaskState.Failed,
        WorkItemState.Cancelled => TaskState.Canceled,
        _ when waitsForAnswer => TaskState.InputRequired,
        WorkItemState.Backlog or WorkItemState.Ready or WorkItemState.Assigned => TaskState.Submitted,
        WorkItemState.InProgress or WorkItemState.Stalled or WorkItemState.InReview => TaskState.Working,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "A work item state without a task state."),
    };

    /// <summary>Whether the client has nothing more to wait for: the task is terminal or waits for the client.</summary>
    public static bool Settled(TaskState state) => state.IsTerminal() || state.IsInterrupted();
}
