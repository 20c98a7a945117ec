using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// The MCP server at /mcp driven by the official TypeScript SDK (@modelcontextprotocol/sdk, pinned in Node/) as MCP hosts
/// drive it: StreamableHTTPClientTransport with a bearer token; what the tools did is checked through the REST API.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class McpToolTests(InteropServer server)
{
    private static readonly string[] AgentTools = ["next_work", "accept_work", "report_progress", "submit_result", "decline_work"];
    private static readonly string[] PeopleTools = ["list_groups", "list_work_items", "create_work_item", "get_work_item", "take_over", "review"];
    private static readonly string[] GoalTools = ["propose_plan"];
    private static readonly string[] BudgetTools = ["set_budgets", "get_usage"];

    [Fact]
    public async Task An_agent_on_MCP_pulls_accepts_reports_and_delivers_an_item_into_review()
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner);
        var itemId = await group.CreateItemAsync(owner, "Write the release note");

        var run = await McpRun.StartAsync(server.Url, group.AgentKey,
            McpRun.Call("next_work", new { waitSeconds = 30 }),
            McpRun.Call("accept_work", new { workItemId = "$prev.workItem.id" }),
            McpRun.Call("report_progress", new { workItemId = "$prev.workItem.id", fraction = 0.5, message = "drafting" }),
            McpRun.Call("submit_result", new
            {
                workItemId = "$prev.workItem.id", summary = "Release note written.",
                artifacts = new[] { new { name = "note.md", mediaType = "text/markdown", content = "# 1.0\nFaster." } },
            }));

        Assert.Equal("2025-11-25", run.Connect.GetProperty("protocolVersion").GetString());
        var tools = run.Connect.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(AgentTools.Concat(PeopleTools).Concat(GoalTools).Concat(BudgetTools).Order(), tools.Select(t => t.GetProperty("name").GetString()!).Order());
        Assert.All(tools, t => Assert.True(t.GetProperty("hasInputSchema").GetBoolean() && t.GetProperty("hasOutputSchema").GetBoolean()));
        Assert.All(run.Calls, call => Assert.False(call.GetProperty("isError").GetBoolean(), run.Raw.ToString()));
        Assert.Equal(itemId.ToString(), run.Calls[0].GetProperty("structuredContent").GetProperty("workItem").GetProperty("id").GetString());
        Assert.Equal(["assigned", "inProgress", "inProgress", "inReview"],
            run.Calls.Select(c => c.GetProperty("structuredContent").GetProperty("workItem").GetProperty("state").GetString()));
        // The text is the same JSON as structuredContent.
        Assert.Equal("inReview", JsonDocument.Parse(run.Calls[3].GetProperty("text").GetString()!).RootElement.GetProperty("workItem").GetProperty("state").GetString());

        var item = await McpGroup.ReadAsync(await owner.GetAsync(new Uri($"/api/v1/work-items/{itemId}", UriKind.Relative)));
        Assert.Equal("inReview", item["state"]!.GetValue<string>());
        Assert.Equal("Release note written.", item["result"]!["summary"]!.GetValue<string>());
        Assert.Equal("note.md", item["result"]!["artifacts"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Next_work_without_an_offer_answers_a_null_work_item_the_SDK_accepts()
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner);

        var run = await McpRun.StartAsync(server.Url, group.AgentKey, McpRun.Call("next_work", new { waitSeconds = 0 }));

        var answer = Assert.Single(run.Calls);
        Assert.False(answer.GetProperty("isError").GetBoolean());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("structuredContent").GetProperty("workItem").ValueKind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cg_agent_not-a-key-this-server-issued")]
    [InlineData("not-a-token-at-all")]
    public async Task Without_a_valid_token_mcp_answers_401_before_any_MCP_message(string? token)
    {
        using var client = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var sdk = await McpRun.StartAsync(server.Url, token);
        Assert.Contains("401", sdk.Connect.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_the_REST_API_would_refuse_is_a_tool_error_with_the_reason_and_changes_nothing()
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner);
        var itemId = await group.CreateItemAsync(owner, "Summarise the meeting");

        // A result for an item offered but not accepted yet: REST answers 409.
        var run = await McpRun.StartAsync(server.Url, group.AgentKey,
            McpRun.Call("next_work", new { waitSeconds = 30 }),
            McpRun.Call("submit_result", new { workItemId = "$prev.workItem.id", summary = "too early" }));

        var refused = run.Calls[1];
        Assert.True(refused.GetProperty("isError").GetBoolean(), run.Raw.ToString());
        Assert.StartsWith("Not allowed in the current state: ", refused.GetProperty("text").GetString(), StringComparison.Ordinal);
        var item = await McpGroup.ReadAsync(await owner.GetAsync(new Uri($"/api/v1/work-items/{itemId}", UriKind.Relative)));
        Assert.Equal("assigned", item["state"]!.GetValue<string>());
        Assert.Null(item["result"]);
    }

    [Fact]
    public async Task A_people_tool_called_with_an_agent_key_is_refused()
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner);

        var run = await McpRun.StartAsync(server.Url, group.AgentKey,
            McpRun.Call("create_work_item", new { groupId = group.Id, title = "Sneaky", description = "An agent may not create work." }));

        Assert.True(Assert.Single(run.Calls).GetProperty("isError").GetBoolean());
        var items = await McpGroup.ReadAsync(await owner.GetAsync(new Uri($"/api/v1/groups/{group.Id}/work-items", UriKind.Relative)));
        Assert.Empty(items.AsArray());
    }

    [Theory]
    [InlineData("bootstrap")]
    [InlineData("personal access token")]
    public async Task A_person_on_MCP_lists_groups_and_creates_work(string credential)
    {
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner);
        var token = credential == "bootstrap" ? InteropServer.BootstrapToken : await server.CreateOwnerAccessTokenAsync();

        var run = await McpRun.StartAsync(server.Url, token,
            McpRun.Call("list_groups"),
            McpRun.Call("create_work_item", new { groupId = group.Id, title = "Plan the launch", description = "A one-page plan.", requiredSkills = new[] { "writing" } }),
            McpRun.Call("get_work_item", new { workItemId = "$prev.workItem.id" }),
            McpRun.Call("list_work_items", new { groupId = group.Id }));

        Assert.All(run.Calls, call => Assert.False(call.GetProperty("isError").GetBoolean(), run.Raw.ToString()));
        Assert.Contains(run.Calls[0].GetProperty("structuredContent").GetProperty("groups").EnumerateArray(),
            g => g.GetProperty("id").GetString() == group.Id.ToString());
        var created = run.Calls[1].GetProperty("structuredContent").GetProperty("workItem");
        Assert.Equal("Plan the launch", created.GetProperty("title").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), run.Calls[2].GetProperty("structuredContent").GetProperty("workItem").GetProperty("id").GetString());
        var listed = Assert.Single(run.Calls[3].GetProperty("structuredContent").GetProperty("workItems").EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        var item = await McpGroup.ReadAsync(await owner.GetAsync(new Uri($"/api/v1/work-items/{created.GetProperty("id").GetString()}", UriKind.Relative)));
        Assert.Equal(group.Id.ToString(), item["groupId"]!.GetValue<string>());
    }
}
