using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Web.Components.Shared;

/// <summary>
/// States and statuses as the workspace shows them to people, on screen and to screen readers ("In progress"); the API
/// keeps its own names ("inProgress"). Every chip, filter, legend and accessible name takes its words from here.
/// </summary>
public static class StateNames
{
    public static string Of(WorkItemState state) => state switch
    {
        WorkItemState.Backlog => "Backlog",
        WorkItemState.Ready => "Ready",
        WorkItemState.Assigned => "Assigned",
        WorkItemState.InProgress => "In progress",
        WorkItemState.Stalled => "Stalled",
        WorkItemState.InReview => "In review",
        WorkItemState.Done => "Done",
        WorkItemState.Failed => "Failed",
        WorkItemState.Cancelled => "Cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, $"The workspace has no words for the state {state}."),
    };

    /// <summary>The words for a work item state given by its API name (as views carry it).</summary>
    public static string OfItem(string apiName) => Of(WorkItemStates.Parse(apiName));

    /// <summary>The words for a member's status (API name): an agent's status or a person's presence.</summary>
    public static string OfMember(string status) => status switch
    {
        MemberStatuses.Online => "Online",
        MemberStatuses.Busy => "Busy",
        MemberStatuses.Offline => "Offline",
        MemberStatuses.Stalled => "Stalled",
        MemberStatuses.Paused => "Paused",
        MemberStatuses.Unreachable => "Unreachable",
        MemberStatuses.Revoked => "Revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, $"'{status}' is not a member status."),
    };
}
