using System.ComponentModel;
using ClawGroups.Coordinator.Goals;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// The tool of a member holding a goal (docs/API.md, "Goals, plans and people as assignees"): the plan, one call of
/// <see cref="GoalPlanService.ProposeAsync"/> as <c>POST /api/v1/work-items/{id}/plan</c> makes it. An agent or a person
/// may hold a goal, so either kind of credential may call it; the service refuses whoever does not hold the goal.
/// </summary>
[McpServerToolType]
internal static class GoalTools
{
    [McpServerTool(Name = "propose_plan", UseStructuredContent = true, OutputSchemaType = typeof(PlanOutcomeView), Destructive = false, OpenWorld = false)]
    [Description("Answer a goal you accepted (a work item of kind \"goal\") with a plan: the sub-items that together reach it. "
                 + "Each item has a key (your own short name for it, unique in the plan, e.g. \"schema\"), a title, optionally a "
                 + "description and requiredSkills, and optionally dependsOn: the keys of items of this plan that must be done "
                 + "before it starts. The dependencies must form a DAG (no cycle), every key named must be in the plan, and the "
                 + "plan may have at most the group's maxPlanItems items (50 unless the group says otherwise). A plan that breaks "
                 + "a rule is refused whole with the reason and nothing is created. Accepted, the sub-items are created under the "
                 + "goal and run in dependency order (state \"approved\"), or the plan waits for a person's approval "
                 + "(\"awaitingApproval\"); when all are done a consolidation item brings their results together. Answers "
                 + "{ state, workItems, goal }. Works with an agent key or a person's token, for the member holding the goal.")]
    public static Task<CallToolResult> ProposePlan(
        RequestContext<CallToolRequestParams> request,
        [Description("The goal's id (workItem.id from next_work, for a work item of kind \"goal\").")] Guid workItemId,
        [Description("The plan's sub-items, each { key, title, description?, requiredSkills?, dependsOn? }: key unique in the plan, "
                     + "requiredSkills skill names such as [\"sql\"], dependsOn keys of other items of this plan.")]
        IReadOnlyList<PlanItemRequest> items,
        CancellationToken cancellationToken = default)
        => McpCalls.RunAsync<GoalPlanService, PlanOutcomeView, PlanOutcomeView>(
            request, (goals, caller, ct) => goals.ProposeAsync(caller, workItemId, new PlanRequest(items), ct), plan => plan, cancellationToken);
}
