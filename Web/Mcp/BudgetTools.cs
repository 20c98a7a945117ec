using System.ComponentModel;
using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.UsageTotals;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// A person's budget tools (docs/API.md, "Budgets"): setting a group's budgets is <c>PATCH /api/v1/groups/{groupId}</c>'s
/// <c>"budgets"</c> and reading spend is <c>GET /api/v1/groups/{groupId}/usage</c>, each one call of the same service.
/// </summary>
[McpServerToolType]
internal static class BudgetTools
{
    private const string PeopleOnly = " Needs a person's token (cg_pat_… or the bootstrap token); only the group's owners may set budgets.";

    [McpServerTool(Name = "set_budgets", UseStructuredContent = true, OutputSchemaType = typeof(GroupAnswer), OpenWorld = false)]
    [Description("Set a group's spending limits. budgets is a merge patch: a budget you leave out stays as it is, a number sets it, "
                 + "null lifts it. Budgets: monthlyUsd and monthlyTokens (the group's UTC month), perItemUsd and perItemTokens (one "
                 + "work item, all attempts), perAgentDailyUsd and perAgentDailyTokens (each agent's UTC day); tokens count input and "
                 + "output together. Past 80 % of a budget the group's people are warned; at 100 % the work under it is paused and "
                 + "no new work is offered under it. Raising or lifting a budget resumes what it stopped. Example: "
                 + "{ \"monthlyUsd\": 100, \"perItemUsd\": 2.5, \"perAgentDailyTokens\": null }. Answers { group }." + PeopleOnly)]
    public static Task<CallToolResult> SetBudgets(
        RequestContext<CallToolRequestParams> request,
        [Description("The group's id (from list_groups).")] Guid groupId,
        [Description("The budgets to change, e.g. { \"monthlyUsd\": 100, \"perItemTokens\": null }: a number sets a budget, "
                     + "null lifts it, a budget left out stays.")] JsonElement budgets,
        CancellationToken cancellationToken = default)
    {
        if (ReadPatch(budgets) is not { } patch)
        {
            return Task.FromResult(McpCalls.Refused(Failure.Invalid("budgets",
                "budgets must be an object of budget names to numbers or null, e.g. { \"monthlyUsd\": 100 }.")));
        }

        return McpCalls.RunAsync<GroupService, GroupView, GroupAnswer>(request,
            (groups, caller, ct) => groups.UpdateSettingsAsync(caller, groupId, new UpdateGroupSettingsRequest(Budgets: patch), ct),
            group => new GroupAnswer(group), cancellationToken);
    }

    [McpServerTool(Name = "get_usage", UseStructuredContent = true, OutputSchemaType = typeof(UsageAnswer), ReadOnly = true, OpenWorld = false)]
    [Description("Read what a group's agents have spent (tokens and USD, in all and per agent) and, for each budget set, the limit, "
                 + "what was spent in its period, the share and whether it is exceeded. Answers { usage }."
                 + " Needs a person's token (cg_pat_… or the bootstrap token).")]
    public static Task<CallToolResult> GetUsage(
        RequestContext<CallToolRequestParams> request,
        [Description("The group's id (from list_groups).")] Guid groupId,
        CancellationToken cancellationToken = default)
        => McpCalls.RunAsync<UsageService, GroupUsageView, UsageAnswer>(
            request, (usage, caller, ct) => usage.ForGroupAsync(caller, groupId, ct), usage => new UsageAnswer(usage), cancellationToken);

    /// <summary>The same reading as the REST PATCH's <c>"budgets"</c>: null set apart from left out, unknown names ignored.</summary>
    private static BudgetsPatch? ReadPatch(JsonElement budgets)
    {
        if (budgets.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return budgets.Deserialize<BudgetsPatch>(ClawJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
