using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.Web.Tests.Api;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ClawGroups.Web.Tests.Mcp;

/// <summary>
/// <c>set_budgets</c> and <c>get_usage</c> (Web/Mcp/BudgetTools.cs) are the group PATCH's <c>"budgets"</c> and the usage read
/// as tools: the same merge patch, the same refusals as tool errors, checked with the C# SDK's client over real HTTP on
/// PostgreSQL.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class BudgetToolTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Budgets_set_through_the_tool_are_a_merge_patch_a_number_sets_null_lifts_and_left_out_stays()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await using var mcp = await ConnectAsync(ClawAppFactory.BootstrapToken);

        var first = await SetBudgetsAsync(mcp, scenario.Group.Id, """{ "monthlyUsd": 100, "perItemUsd": 2.5 }""");
        var second = await SetBudgetsAsync(mcp, scenario.Group.Id, """{ "perItemUsd": null, "perAgentDailyTokens": 50000 }""");

        Assert.NotEqual(true, first.IsError);
        Assert.NotEqual(true, second.IsError);
        var answered = second.StructuredContent!.Value.GetProperty("group").GetProperty("settings").GetProperty("budgets");
        var stored = await BudgetsAsync(scenario.Group.Id);
        Assert.Equal(stored.GetRawText(), answered.GetRawText());
        Assert.Equal(100m, stored.GetProperty("monthlyUsd").GetDecimal());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("perItemUsd").ValueKind);
        Assert.Equal(50000, stored.GetProperty("perAgentDailyTokens").GetInt64());
    }

    [Theory]
    [InlineData("""{ "monthlyUsd": -5 }""", "budgets.monthlyUsd")]
    [InlineData("""{ "monthlyUsd": "a lot" }""", "budgets must be an object")]
    [InlineData("""[ 100 ]""", "budgets must be an object")]
    public async Task A_budget_REST_would_refuse_is_a_tool_error_naming_it_and_changes_nothing(string budgets, string named)
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await using var mcp = await ConnectAsync(ClawAppFactory.BootstrapToken);
        await SetBudgetsAsync(mcp, scenario.Group.Id, """{ "monthlyUsd": 40 }""");

        var answer = await SetBudgetsAsync(mcp, scenario.Group.Id, budgets);

        Assert.True(answer.IsError);
        Assert.Contains(named, Assert.IsType<TextContentBlock>(Assert.Single(answer.Content)).Text, StringComparison.Ordinal);
        Assert.Equal(40m, (await BudgetsAsync(scenario.Group.Id)).GetProperty("monthlyUsd").GetDecimal());
    }

    [Fact]
    public async Task An_agent_key_cannot_set_budgets()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (_, agent) = await SignOffTests.RegisterAsync(scenario, "thrifty");
        await using var mcp = await ConnectAsync(agent.BearerToken!);

        var answer = await SetBudgetsAsync(mcp, scenario.Group.Id, """{ "monthlyUsd": 1000000 }""");

        Assert.True(answer.IsError);
        Assert.Equal(JsonValueKind.Null, (await BudgetsAsync(scenario.Group.Id)).GetProperty("monthlyUsd").ValueKind);
    }

    [Fact]
    public async Task Usage_through_the_tool_is_the_REST_usage_with_each_budget_set()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await using var mcp = await ConnectAsync(ClawAppFactory.BootstrapToken);
        await SetBudgetsAsync(mcp, scenario.Group.Id, """{ "monthlyTokens": 1000 }""");

        var answer = await mcp.CallToolAsync("get_usage", new Dictionary<string, object?> { ["groupId"] = scenario.Group.Id });

        Assert.NotEqual(true, answer.IsError);
        using var owner = _app.OwnerHttpClient();
        var rest = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{scenario.Group.Id}/usage");
        var usage = answer.StructuredContent!.Value.GetProperty("usage");
        Assert.Equal(rest.EnumerateObject().Select(p => p.Name), usage.EnumerateObject().Select(p => p.Name));
        var budget = Assert.Single(usage.GetProperty("budgets").EnumerateArray());
        Assert.Equal("monthlyTokens", budget.GetProperty("budget").GetString());
        Assert.Equal(1000, budget.GetProperty("limit").GetDecimal());
    }

    private async Task<JsonElement> BudgetsAsync(string groupId)
    {
        using var owner = _app.OwnerHttpClient();
        return (await owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}")).GetProperty("settings").GetProperty("budgets");
    }

    private static async Task<CallToolResult> SetBudgetsAsync(McpClient mcp, string groupId, string budgets)
        => await mcp.CallToolAsync("set_budgets", new Dictionary<string, object?>
        {
            ["groupId"] = groupId,
            ["budgets"] = JsonDocument.Parse(budgets).RootElement,
        });

    private Task<McpClient> ConnectAsync(string token) => McpTestClient.ConnectAsync(_app, token);
}
