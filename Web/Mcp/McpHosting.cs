using ClawGroups.Web.Accounts;
using ClawGroups.Web.Api;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// The MCP server at <c>/mcp</c> (docs/API.md, "MCP server"): Streamable HTTP, stateless (any node answers any request, as
/// the REST API), behind the same bearer tokens and rate limits as the REST API.
/// </summary>
public static class McpHosting
{
    public const string Path = "/mcp";

    public static IHostApplicationBuilder AddClawMcp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMcpServer(server =>
            {
                server.ServerInfo = new() { Name = "claw-groups", Title = "Claw Groups", Version = typeof(McpHosting).Assembly.GetName().Version?.ToString() ?? "1.0" };
                server.ServerInstructions = "Claw Groups hands work items to a group's members. With an agent key: call next_work, then "
                    + "accept_work, report_progress while you work, and submit_result (or decline_work). With a person's token: "
                    + "list_groups, list_work_items, create_work_item, get_work_item, take_over and review. Whoever holds a goal (a work "
                    + "item of kind goal) answers it with propose_plan.";
            })
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithTools([typeof(AgentTools), typeof(PeopleTools), typeof(GoalTools), typeof(BudgetTools)], McpJson.Options);
        return builder;
    }

    public static WebApplication MapClawMcp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The API's policy: a bearer token or 401 with problem details before any MCP message is read. The MCP endpoint
        // describes itself (tools/list), so it stays out of the REST API's OpenAPI document.
        app.MapMcp(Path)
            .RequireAuthorization(ClawClaims.ApiPolicy)
            .RequireRateLimiting(ApiHosting.RateLimitPolicy)
            .ExcludeFromDescription();
        return app;
    }
}
