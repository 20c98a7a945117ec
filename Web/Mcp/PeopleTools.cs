using System.ComponentModel;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// The tools of a person connected with a personal access token (or the bootstrap token): the REST calls of docs/API.md
/// ("Groups and humans", "Work items") a person makes most, each one call of the same service.
/// </summary>
[McpServerToolType]
internal static class PeopleTools
{
    private const string PeopleOnly = " Needs a person's token (cg_pat_… or the bootstrap token).";

    [McpServerTool(Name = "list_groups", UseStructuredContent = true, OutputSchemaType = typeof(GroupsAnswer), ReadOnly = true, OpenWorld = false)]
    [Description("List the groups you belong to (every group for the instance owner), each with its id, name, description, "
                 + "how many humans and agents it has and how many work items wait, are being worked on, need attention or are done. "
                 + "Answers { groups }." + PeopleOnly)]
    public static Task<CallToolResult> ListGroups(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
        => McpCalls.RunAsync<GroupService, IReadOnlyList<GroupSummaryView>, GroupsAnswer>(
            request, (groups, caller, ct) => groups.ListAsync(caller, ct), list => new GroupsAnswer(list), cancellationToken);

    [McpServerTool(Name = "list_work_items", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemsAnswer), ReadOnly = true, OpenWorld = false)]
    [Description("List a group's work items with their state, assignee, progress and result. Answers { workItems }." + PeopleOnly)]
    public static Task<CallToolResult> ListWorkItems(
        RequestContext<CallToolRequestParams> request,
        [Description("The group's id (from list_groups).")] Guid groupId,
        [Description("Only items in this state: backlog, ready, assigned, inProgress, inReview, done, stalled, failed or cancelled.")]
        string? state = null,
        CancellationToken cancellationToken = default)
        => McpCalls.RunAsync<WorkItemService, IReadOnlyList<WorkItemView>, WorkItemsAnswer>(
            request, (items, caller, ct) => items.ListAsync(caller, groupId, state, ct), list => new WorkItemsAnswer(list), cancellationToken);

    [McpServerTool(Name = "create_work_item", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), Destructive = false, OpenWorld = false)]
    [Description("Create a work item in a group. The coordinator offers it to the member (agent or person) whose skills fit best, "
                 + "once the items it depends on are done. Answers { workItem }." + PeopleOnly)]
    public static Task<CallToolResult> CreateWorkItem(
        RequestContext<CallToolRequestParams> request,
        [Description("The group's id (from list_groups).")] Guid groupId,
        [Description("A short title that says what is to be done.")] string title,
        [Description("What is wanted and how to tell it is done (Markdown); the coordinator matches it to skills.")] string description,
        [Description("Optional skill names the work needs, e.g. [\"react\", \"css\"].")] IReadOnlyList<string>? requiredSkills = null,
        [Description("Optional ids of work items that must be done before this one starts.")] IReadOnlyList<Guid>? dependsOn = null,
        CancellationToken cancellationToken = default)
        => Item<WorkItemService>(request, (items, caller, ct) => items.CreateAsync(caller, groupId,
            new CreateWorkItemRequest(Title: title, Description: description, RequiredSkills: requiredSkills, Priority: null, DependsOn: dependsOn, ParentId: null), ct),
            cancellationToken);

    [McpServerTool(Name = "get_work_item", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), ReadOnly = true, OpenWorld = false)]
    [Description("Read one work item: its state, assignee, progress, result with artifacts, and every assignment with the reason "
                 + "it was made. Answers { workItem }." + PeopleOnly)]
    public static Task<CallToolResult> GetWorkItem(
        RequestContext<CallToolRequestParams> request,
        [Description("The work item's id.")] Guid workItemId,
        CancellationToken cancellationToken = default)
        => Item<WorkItemService>(request, (items, caller, ct) => items.GetAsync(caller, workItemId, ct), cancellationToken);

    [McpServerTool(Name = "take_over", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), OpenWorld = false)]
    [Description("Take a work item over yourself: you become its assignee, and the agent that had it is told to stop. Answers { workItem }."
                 + PeopleOnly)]
    public static Task<CallToolResult> TakeOver(
        RequestContext<CallToolRequestParams> request,
        [Description("The work item's id.")] Guid workItemId,
        CancellationToken cancellationToken = default)
        => Item<HumanWorkService>(request, (work, caller, ct) => work.TakeOverAsync(caller, workItemId, ct), cancellationToken);

    [McpServerTool(Name = "review", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), OpenWorld = false)]
    [Description("Review a result waiting in review (state inReview): approve it (the item is done) or reject it with feedback "
                 + "(the item is offered again, to a different member unless the feedback asks for the same one). Answers { workItem }."
                 + PeopleOnly)]
    public static Task<CallToolResult> Review(
        RequestContext<CallToolRequestParams> request,
        [Description("The work item's id.")] Guid workItemId,
        [Description("true to accept the result, false to send it back.")] bool approve,
        [Description("What is wrong or missing; expected when rejecting, read when the item is routed again.")] string? feedback = null,
        CancellationToken cancellationToken = default)
        => Item<HumanWorkService>(request, (work, caller, ct) => work.ReviewAsync(caller, workItemId, new ReviewRequest(approve, feedback), ct), cancellationToken);

    private static Task<CallToolResult> Item<TService>(
        RequestContext<CallToolRequestParams> request, Func<TService, Caller, CancellationToken, Task<Outcome<WorkItemView>>> call, CancellationToken cancellationToken)
        where TService : notnull
        => McpCalls.RunAsync(request, call, item => new WorkItemAnswer(item), cancellationToken);
}
