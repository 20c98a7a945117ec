using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// A planner agent on an MCP client answers a goal with <c>propose_plan</c>, driven by the official TypeScript SDK: the goal
/// is created over REST, offered to the agent (its skill is <c>planning</c>), accepted and planned through /mcp; what the
/// plan made is checked through the REST API.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class McpPlanTests(InteropServer server)
{
    [Fact]
    public async Task A_planner_on_MCP_accepts_a_goal_and_plans_it_into_sub_items_with_their_dependency()
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner, skill: "planning");
        var goalId = await CreateGoalAsync(owner, group);

        var run = await McpRun.StartAsync(server.Url, group.AgentKey,
            McpRun.Call("next_work", new { waitSeconds = 30 }),
            McpRun.Call("accept_work", new { workItemId = "$prev.workItem.id" }),
            McpRun.Call("propose_plan", new
            {
                workItemId = "$prev.workItem.id",
                items = new object[]
                {
                    new { key = "copy", title = "Write the page copy", requiredSkills = new[] { "writing" } },
                    new { key = "layout", title = "Lay out the page", description = "Desktop and mobile." },
                    new { key = "publish", title = "Publish the page", dependsOn = new[] { "copy" } },
                },
            }));

        Assert.All(run.Calls, call => Assert.False(call.GetProperty("isError").GetBoolean(), run.Raw.ToString()));
        Assert.Equal(goalId.ToString(), run.Calls[0].GetProperty("structuredContent").GetProperty("workItem").GetProperty("id").GetString());
        var plan = run.Calls[2].GetProperty("structuredContent");
        Assert.Equal("approved", plan.GetProperty("state").GetString());
        Assert.Equal(3, plan.GetProperty("workItems").GetArrayLength());
        var subItems = await SubItemsAsync(owner, group, goalId);
        Assert.Equal(["Lay out the page", "Publish the page", "Write the page copy"], subItems.Keys.Order());
        Assert.Equal([subItems["Write the page copy"]["id"]!.GetValue<string>()],
            subItems["Publish the page"]["dependsOn"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Empty(subItems["Write the page copy"]["dependsOn"]!.AsArray());
        Assert.Empty(subItems["Lay out the page"]["dependsOn"]!.AsArray());
    }

    [Fact]
    public async Task A_plan_with_a_cycle_is_a_tool_error_naming_the_cycle_and_creates_nothing()
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner, skill: "planning");
        var goalId = await CreateGoalAsync(owner, group);

        var run = await McpRun.StartAsync(server.Url, group.AgentKey,
            McpRun.Call("next_work", new { waitSeconds = 30 }),
            McpRun.Call("accept_work", new { workItemId = "$prev.workItem.id" }),
            McpRun.Call("propose_plan", new
            {
                workItemId = "$prev.workItem.id",
                items = new object[]
                {
                    new { key = "a", title = "Build", dependsOn = new[] { "b" } },
                    new { key = "b", title = "Test", dependsOn = new[] { "a" } },
                },
            }));

        var refused = run.Calls[2];
        Assert.True(refused.GetProperty("isError").GetBoolean(), run.Raw.ToString());
        var text = refused.GetProperty("text").GetString()!;
        Assert.StartsWith("Invalid request: ", text, StringComparison.Ordinal);
        Assert.Contains("cycle", text, StringComparison.Ordinal);
        Assert.Matches("a → b → a|b → a → b", text);
        Assert.Empty(await SubItemsAsync(owner, group, goalId));
        var goal = await McpGroup.ReadAsync(await owner.GetAsync(new Uri($"/api/v1/work-items/{goalId}", UriKind.Relative)));
        Assert.Equal("inProgress", goal["state"]!.GetValue<string>());
    }

    private static async Task<Guid> CreateGoalAsync(HttpClient owner, McpGroup group)
    {
        var goal = await McpGroup.ReadAsync(await owner.PostAsJsonAsync($"/api/v1/groups/{group.Id}/work-items",
            new { title = "Launch the pricing page", description = "The new pricing page, live.", kind = "goal" }));
        return Guid.Parse(goal["id"]!.GetValue<string>());
    }

    /// <summary>The goal's sub-items as REST lists them, by title.</summary>
    private static async Task<Dictionary<string, JsonNode>> SubItemsAsync(HttpClient owner, McpGroup group, Guid goalId)
    {
        var items = await McpGroup.ReadAsync(await owner.GetAsync(new Uri($"/api/v1/groups/{group.Id}/work-items", UriKind.Relative)));
        return items.AsArray().Select(i => i!).Where(i => i["parentId"]?.GetValue<string>() == goalId.ToString())
            .ToDictionary(i => i["title"]!.GetValue<string>());
    }
}
