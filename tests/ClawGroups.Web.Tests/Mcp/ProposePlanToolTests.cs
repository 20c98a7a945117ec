using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ClawGroups.Web.Tests.Mcp;

/// <summary>
/// <c>propose_plan</c> (Web/Mcp/GoalTools.cs) is <c>POST /work-items/{id}/plan</c> as a tool: the same answer, the same
/// refusals as tool errors, checked with the C# SDK's client over real HTTP on PostgreSQL.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class ProposePlanToolTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_plan_through_the_tool_answers_the_REST_answers_fields_and_creates_the_sub_items()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (goal, mcp) = await AcceptedGoalAsync(scenario);
        await using var _ = mcp;

        var answer = await mcp.CallToolAsync("propose_plan", new Dictionary<string, object?>
        {
            ["workItemId"] = goal.Id,
            ["items"] = new object[]
            {
                new { key = "schema", title = "Design the schema", requiredSkills = new[] { "backend" } },
                new { key = "api", title = "Build the API", dependsOn = new[] { "schema" } },
            },
        });

        Assert.NotEqual(true, answer.IsError);
        var plan = answer.StructuredContent!.Value;
        Assert.Equal(["state", "workItems", "goal"], plan.EnumerateObject().Select(p => p.Name));
        Assert.Equal("approved", plan.GetProperty("state").GetString());
        var subItems = (await scenario.Human.ListWorkItemsAsync(scenario.Group.Id)).Where(w => w.ParentId == goal.Id).ToList();
        Assert.Equal(["Build the API", "Design the schema"], subItems.Select(w => w.Title).Order());
        Assert.Equal(subItems.Select(w => w.Id).Order(), plan.GetProperty("workItems").EnumerateArray().Select(w => w.GetProperty("id").GetString()!).Order());
    }

    [Fact]
    public async Task A_plan_REST_would_refuse_is_a_tool_error_naming_the_problem_and_creates_nothing()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var (goal, mcp) = await AcceptedGoalAsync(scenario);
        await using var _ = mcp;

        var answer = await mcp.CallToolAsync("propose_plan", new Dictionary<string, object?>
        {
            ["workItemId"] = goal.Id,
            ["items"] = new object[] { new { key = "a", title = "First", dependsOn = new[] { "missing" } } },
        });

        Assert.True(answer.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(answer.Content)).Text;
        Assert.StartsWith("Invalid request: ", text, StringComparison.Ordinal);
        Assert.Contains("missing", text, StringComparison.Ordinal);
        Assert.DoesNotContain(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id), w => w.ParentId == goal.Id);
        Assert.Equal(WorkItemStates.InProgress, (await scenario.Human.GetWorkItemAsync(goal.Id)).State);
    }

    [Fact]
    public async Task The_tool_lists_its_input_schema_with_the_plans_items()
    {
        await using var mcp = await ConnectAsync(ClawAppFactory.BootstrapToken);

        var tool = (await mcp.ListToolsAsync()).Single(t => t.Name == "propose_plan");

        var schema = tool.JsonSchema;
        Assert.Equal(["items", "workItemId"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order());
        var item = schema.GetProperty("properties").GetProperty("items").GetProperty("items").GetProperty("properties");
        Assert.Equal(["dependsOn", "description", "key", "requiredSkills", "title"], item.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("DAG", tool.Description, StringComparison.Ordinal);
    }

    /// <summary>A goal offered to a pull planner agent, accepted by it over MCP; the client acts as that agent.</summary>
    private async Task<(WorkItem Goal, McpClient Mcp)> AcceptedGoalAsync(ApiScenario scenario)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var planner = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Planner with { Delivery = AgentDelivery.Pull });
        await scenario.AgentClient(planner.ApiKey).HeartbeatAsync(planner.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        var goal = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Ship the database", Kind: WorkItemKinds.Goal));
        await Eventually.ReachAsync(() => scenario.Human.GetWorkItemAsync(goal.Id),
            w => w.State == WorkItemStates.Assigned && w.Assignee?.Id == planner.AgentId, "the goal offered to the planner", Deadline);
        var mcp = await ConnectAsync(planner.ApiKey);
        var accepted = await mcp.CallToolAsync("accept_work", new Dictionary<string, object?> { ["workItemId"] = goal.Id });
        Assert.NotEqual(true, accepted.IsError);
        return (goal, mcp);
    }

    private Task<McpClient> ConnectAsync(string token) => McpTestClient.ConnectAsync(_app, token);
}
