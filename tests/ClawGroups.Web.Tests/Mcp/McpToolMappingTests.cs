using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ClawGroups.Web.Tests.Mcp;

/// <summary>
/// What the MCP tools add around their services (Web/Mcp/McpCalls.cs), checked with the C# SDK's client over real HTTP on
/// PostgreSQL: an agent's call is its heartbeat, a refusal is a tool error that changes nothing, and a sign of life leaves
/// a pull agent's messages for its REST heartbeat.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class McpToolMappingTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "60",
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_agents_call_brings_it_back_as_a_heartbeat_would()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (agentId, agent) = await SignOffTests.RegisterAsync(scenario, "returning");
        await agent.SignOffAsync(agentId);
        await using var mcp = await ConnectAsync(agent.BearerToken!);

        var answer = await mcp.CallToolAsync("next_work", new Dictionary<string, object?> { ["waitSeconds"] = 0 });

        Assert.NotEqual(true, answer.IsError);
        Assert.Equal("online", (await scenario.Human.GetGroupAsync(scenario.Group.Id)).Members.Single(m => m.Id == agentId).Status);
    }

    [Fact]
    public async Task Accepting_work_offered_to_someone_else_is_a_tool_error_with_the_problem_and_changes_nothing()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (agentId, _) = await SignOffTests.RegisterAsync(scenario, "holder");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Rotate the keys"));
        await SignOffTests.OfferedToAsync(scenario, item.Id, agentId);
        await using var mcp = await ConnectAsync(ClawAppFactory.BootstrapToken);

        var answer = await mcp.CallToolAsync("accept_work", new Dictionary<string, object?> { ["workItemId"] = item.Id });

        Assert.True(answer.IsError);
        // People answer offers made to them with the same tools (decision 0029); this one was made to the agent.
        Assert.Equal("Not yours: This work item is not assigned to you.", Assert.IsType<TextContentBlock>(Assert.Single(answer.Content)).Text);
        var after = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.Equal(WorkItemStates.Assigned, after.State);
        Assert.Equal(agentId, after.Assignee?.Id);
    }

    [Fact]
    public async Task Structured_content_has_the_REST_answers_fields_with_nulls_written()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Tidy the backlog"));
        await using var mcp = await ConnectAsync(ClawAppFactory.BootstrapToken);

        var answer = await mcp.CallToolAsync("get_work_item", new Dictionary<string, object?> { ["workItemId"] = item.Id });

        var viaMcp = answer.StructuredContent!.Value.GetProperty("workItem");
        using var viaRest = JsonDocument.Parse((await scenario.Human.SendAsync(HttpMethod.Get, $"api/v1/work-items/{item.Id}", null, null)).Body);
        Assert.Equal(viaRest.RootElement.EnumerateObject().Select(p => p.Name), viaMcp.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, viaMcp.GetProperty("result").ValueKind);
        var text = JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(answer.Content)).Text);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(answer.StructuredContent.Value.GetRawText()), text));
    }

    [Fact]
    public async Task A_sign_of_life_leaves_the_pull_agents_messages_for_its_REST_heartbeat()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (agentId, agent) = await SignOffTests.RegisterAsync(scenario, "steered");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Write the changelog"));
        await SignOffTests.OfferedToAsync(scenario, item.Id, agentId);
        await using var mcp = await ConnectAsync(agent.BearerToken!);
        await mcp.CallToolAsync("accept_work", new Dictionary<string, object?> { ["workItemId"] = item.Id });
        await scenario.Human.PostMessageAsync(item.Id, "Mention the new MCP server.");

        await mcp.CallToolAsync("report_progress", new Dictionary<string, object?> { ["workItemId"] = item.Id, ["fraction"] = 0.3, ["message"] = "writing" });

        var heartbeat = await agent.HeartbeatAsync(agentId, new Heartbeat(HeartbeatStatus.Busy));
        using var body = JsonDocument.Parse(heartbeat.Body);
        Assert.Contains(body.RootElement.GetProperty("messages").EnumerateArray(), m => m.GetProperty("type").GetString() == "work.message");
    }

    [Fact]
    public async Task A_body_over_the_APIs_limit_is_refused_with_413_before_MCP_reads_it()
    {
        using var client = _app.OwnerHttpClient();
        var limit = _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClawGroups.Web.Api.ApiOptions>>().Value.MaxRequestBodyBytes;
        using var body = new ByteArrayContent(new byte[limit + 1]);
        body.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync(new Uri("/mcp", UriKind.Relative), body);

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2025-06-18")]
    [InlineData("2025-03-26")]
    public async Task The_protocol_versions_the_official_SDKs_offer_are_accepted(string version)
    {
        using var client = _app.OwnerHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/mcp", UriKind.Relative))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                jsonrpc = "2.0", id = 1, method = "initialize",
                @params = new { protocolVersion = version, capabilities = new { }, clientInfo = new { name = "t", version = "1" } },
            }),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"protocolVersion\":\"{version}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<McpClient> ConnectAsync(string token) => McpTestClient.ConnectAsync(_app, token);
}
