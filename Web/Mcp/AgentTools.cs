using System.ComponentModel;
using ClawGroups.Coordinator.Agents;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// The tools of an agent connected with its agent key: the REST agent calls of docs/API.md ("Agents"), each one call of the
/// same service. Every call also counts as the agent's heartbeat.
/// </summary>
[McpServerToolType]
internal static class AgentTools
{
    private const string AgentsOnly = " Needs an agent key (cg_agent_…); every call also counts as this agent's heartbeat.";

    [McpServerTool(Name = "next_work", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), Idempotent = true, Destructive = false, OpenWorld = false)]
    [Description("Get the next work item the coordinator offered to you (assigned to you, not yet accepted), waiting up to "
                 + "waitSeconds for one. Answers { workItem } with its title, description and required skills, or { workItem: null } "
                 + "when nothing arrived in time: call again to keep waiting. Then call accept_work to start it or decline_work to pass."
                 + AgentsOnly)]
    public static Task<CallToolResult> NextWork(
        RequestContext<CallToolRequestParams> request,
        [Description("How long to wait for an offer, 0 to 30 seconds (0: answer at once).")] int waitSeconds = 0,
        CancellationToken cancellationToken = default)
        => McpCalls.RunAsync<AgentPresenceService, Coordinator.WorkItems.WorkItemView?, WorkItemAnswer>(
            request, (presence, caller, ct) => presence.PullAsync(caller, caller.Id, waitSeconds, ct), item => new WorkItemAnswer(item), cancellationToken);

    [McpServerTool(Name = "accept_work", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), Destructive = false, OpenWorld = false)]
    [Description("Accept a work item offered to you and start it: its state becomes inProgress and it is yours while you keep "
                 + "reporting. Answers { workItem }." + AgentsOnly)]
    public static Task<CallToolResult> AcceptWork(
        RequestContext<CallToolRequestParams> request,
        [Description("The id of the offered work item (workItem.id from next_work).")] Guid workItemId,
        CancellationToken cancellationToken = default)
        => Work(request, (work, caller, ct) => work.AcceptAsync(caller, workItemId, ct), cancellationToken);

    [McpServerTool(Name = "report_progress", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), Destructive = false, OpenWorld = false)]
    [Description("Tell the people how far you are with a work item you accepted. Report every few minutes while you work: an "
                 + "item without progress for too long counts as stalled and is taken from you. Answers { workItem }." + AgentsOnly)]
    public static Task<CallToolResult> ReportProgress(
        RequestContext<CallToolRequestParams> request,
        [Description("The id of the work item you are working on.")] Guid workItemId,
        [Description("How much is done, from 0 to 1 (0.4 = 40 %).")] double fraction,
        [Description("One line on what you are doing now, for the people watching the board.")] string message,
        CancellationToken cancellationToken = default)
        => Work(request, (work, caller, ct) => work.ProgressAsync(caller, workItemId, new ProgressReport(fraction, message, null), ct), cancellationToken);

    [McpServerTool(Name = "submit_result", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), Destructive = false, OpenWorld = false)]
    [Description("Deliver the result of a work item you accepted: a summary of what you did and, optionally, artifacts (files "
                 + "as text). The item goes to review by a person (inReview), or is done when the group needs no review. "
                 + "Answers { workItem }." + AgentsOnly)]
    public static Task<CallToolResult> SubmitResult(
        RequestContext<CallToolRequestParams> request,
        [Description("The id of the work item you finished.")] Guid workItemId,
        [Description("What you did and what the reviewer should know, in a few sentences (Markdown).")] string summary,
        [Description("Optional outputs: each with a name (e.g. report.md), a mediaType (e.g. text/markdown) and the content as text.")]
        IReadOnlyList<ArtifactUpload>? artifacts = null,
        CancellationToken cancellationToken = default)
        => Work(request, (work, caller, ct) => work.ResultAsync(caller, workItemId, new ResultReport(summary, artifacts, null), ct), cancellationToken);

    [McpServerTool(Name = "decline_work", UseStructuredContent = true, OutputSchemaType = typeof(WorkItemAnswer), Destructive = false, OpenWorld = false)]
    [Description("Give back a work item offered to you or that you accepted, because you cannot or should not do it; the "
                 + "coordinator offers it to another member. Say why: the reason is read when the item is routed again. "
                 + "Answers { workItem }." + AgentsOnly)]
    public static Task<CallToolResult> DeclineWork(
        RequestContext<CallToolRequestParams> request,
        [Description("The id of the work item you decline.")] Guid workItemId,
        [Description("Why you decline it, e.g. which skill it needs that you lack.")] string reason,
        CancellationToken cancellationToken = default)
        => Work(request, (work, caller, ct) => work.DeclineAsync(caller, workItemId, new DeclineReport(reason), ct), cancellationToken);

    private static Task<CallToolResult> Work(
        RequestContext<CallToolRequestParams> request,
        Func<AgentWorkService, Coordinator.Calls.Caller, CancellationToken, Task<Coordinator.Calls.Outcome<Coordinator.WorkItems.WorkItemView>>> call,
        CancellationToken cancellationToken)
        => McpCalls.RunAsync(request, call, item => new WorkItemAnswer(item), cancellationToken);
}
