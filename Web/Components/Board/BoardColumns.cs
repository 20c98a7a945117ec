using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>One column of the board: the states it shows and what it is called.</summary>
public sealed record BoardColumn(string Key, string Title, string EmptyText);

/// <summary>
/// Where each state sits on the board. Five columns follow the flow of work; the states that need a person's
/// eye (blocked, stalled, failed, cancelled) stay in the column nearest to where the work stands and are flagged
/// on the card rather than hidden in columns of their own.
/// </summary>
public static class BoardColumns
{
    // Column keys (drop-zone identifiers and test ids); they read like the state each column is named for, but are not states.
    public const string Ready = "ready";
    public const string Assigned = "assigned";
    public const string InProgress = "inProgress";
    public const string InReview = "inReview";
    public const string Done = "done";

    public static IReadOnlyList<BoardColumn> All { get; } =
    [
        new(Ready, "Ready", "Nothing waiting. New work items start here."),
        new(Assigned, "Assigned", "Offers waiting for an agent to accept appear here."),
        new(InProgress, "In progress", "Work being done by an agent or a person."),
        new(InReview, "In review", "Results waiting for a reviewer."),
        new(Done, "Done", "Finished work lands here."),
    ];

    /// <summary>The column an item in <paramref name="state"/> (API name) is shown in; a name no state has is thrown, never shown as done.</summary>
    public static string ColumnOf(string state) => ColumnOf(WorkItemStates.Parse(state));

    /// <summary>The column an item in <paramref name="state"/> is shown in.</summary>
    public static string ColumnOf(WorkItemState state) => state switch
    {
        WorkItemState.Backlog or WorkItemState.Ready or WorkItemState.Failed => Ready,
        WorkItemState.Assigned => Assigned,
        WorkItemState.InProgress or WorkItemState.Stalled => InProgress,
        WorkItemState.InReview => InReview,
        WorkItemState.Done or WorkItemState.Cancelled => Done,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, $"The board has no column for the state {state}."),
    };

    /// <summary>
    /// The column a card is shown in: by its state, except that a goal waiting in backlog shows where its work is — in
    /// review while its plan awaits a person's approval, in progress while its sub-items run.
    /// </summary>
    public static string ColumnOf(WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item is { Kind: WorkItemKinds.Goal, State: "backlog" }
            ? item.PlanAwaitsApproval ? InReview : InProgress
            : ColumnOf(item.State);
    }

    public const string PlanAwaitsApproval = "Plan awaits approval";

    /// <summary>Every state in the order the board's state filter lists them: the flow of work, then the ends.</summary>
    public static IReadOnlyList<WorkItemState> FilterOrder { get; } =
    [
        WorkItemState.Backlog, WorkItemState.Ready, WorkItemState.Assigned, WorkItemState.InProgress, WorkItemState.Stalled,
        WorkItemState.InReview, WorkItemState.Done, WorkItemState.Failed, WorkItemState.Cancelled,
    ];

    public const string NeedsPersonToRoute = "Needs a person to route";

    /// <summary>
    /// A flag the card shows for items that need attention, or null. A question about who should take the item comes first:
    /// it is the one a person can answer now (a stalled item can be held for it too).
    /// </summary>
    public static string? FlagOf(WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item is { Kind: WorkItemKinds.Goal, State: "backlog" })
        {
            // A goal in backlog waits for its plan's approval or for its sub-items, whose progress the card shows.
            return item.PlanAwaitsApproval ? PlanAwaitsApproval : null;
        }

        return item.Routing is { NeedsPerson: true } ? NeedsPersonToRoute : WorkItemStates.Parse(item.State) switch
        {
            WorkItemState.Stalled => "Stalled",
            WorkItemState.Failed => "Failed",
            WorkItemState.Backlog => "Blocked",
            WorkItemState.Cancelled => "Cancelled",
            _ => item.Paused ? "Paused" : null,
        };
    }
}
