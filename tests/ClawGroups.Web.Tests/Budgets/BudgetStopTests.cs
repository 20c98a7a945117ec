using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Budgets;

/// <summary>docs/API.md "Budgets" on PostgreSQL over real HTTP: warnings pushed live, hard stops at 100 %, raised budgets resume.</summary>
[Collection(WebTestCollection.Name)]
public sealed class BudgetStopTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_agent_reporting_usage_past_its_items_cap_is_answered_200_and_its_item_paused_at_that_report()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await BudgetAgent.PatchBudgetsAsync(scenario, new { perItemUsd = 1.0 });
        var agent = await BudgetAgent.RegisterAsync(scenario, "spender");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        await agent.TakeNextAsync();

        var under = await agent.ReportAsync(item.Id, costUsd: 0.5m);
        var notPaused = await scenario.Human.GetWorkItemAsync(item.Id);
        var over = await agent.ReportAsync(item.Id, costUsd: 1.25m);

        Assert.Equal(HttpStatusCode.OK, under.StatusCode);
        Assert.False(notPaused.Extra!["paused"].GetBoolean());
        Assert.Equal(HttpStatusCode.OK, over.StatusCode);
        Assert.True(over.Json!.Value.GetProperty("paused").GetBoolean(), "the answer to the report already shows the stop");
        var stopped = await scenario.Human.GetWorkItemAsync(item.Id);
        Assert.True(stopped.Extra!["paused"].GetBoolean());
        Assert.Equal("budget", stopped.Extra["pausedReason"].GetString());
        Assert.Equal(WorkItemStates.InProgress, stopped.State);
        var events = await scenario.Human.GetEventsAsync(item.Id);
        Assert.Contains(events, e => e.Type == "budget.exceeded" && e.Data!.Value.GetProperty("budget").GetString() == "perItemUsd");
        Assert.Contains(events, e => e.Type == "work.paused" && e.Data!.Value.GetProperty("reason").GetString() == "budget");
        var told = await BudgetAgent.MessagesAsync(_app, agent.Id, "work.paused");
        var paused = Assert.Single(told);
        Assert.Contains("\"reason\":\"budget\"", paused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_over_its_monthly_budget_makes_no_new_offers_until_it_is_raised()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await BudgetAgent.PatchBudgetsAsync(scenario, new { monthlyUsd = 1.0 });
        var agent = await BudgetAgent.RegisterAsync(scenario, "spender");
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        await agent.TakeNextAsync();
        await agent.FinishAsync(first.Id, costUsd: 1.5m);
        var second = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a health endpoint to the API"));

        var offeredWhileSpent = await RunPassAsync(scenario.Group.Id);
        var waiting = await scenario.Human.GetWorkItemAsync(second.Id);
        await BudgetAgent.PatchBudgetsAsync(scenario, new { monthlyUsd = 10.0 });
        var offeredOnceRaised = await agent.Api.PullWorkAsync(agent.Id, waitSeconds: 25);

        Assert.Equal(0, offeredWhileSpent);
        Assert.Equal(WorkItemStates.Ready, waiting.State);
        Assert.Equal(second.Id, offeredOnceRaised?.Id);
        Assert.Single(await BudgetAgent.EventDataAsync(_app, scenario.Group.Id, "budget.exceeded"));
        using var usage = JsonDocument.Parse((await scenario.Human.SendAsync(HttpMethod.Get, $"/api/v1/groups/{scenario.Group.Id}/usage")).Body);
        var monthly = usage.RootElement.GetProperty("budgets").EnumerateArray().Single(b => b.GetProperty("budget").GetString() == "monthlyUsd");
        Assert.Equal(1.5m, monthly.GetProperty("spent").GetDecimal());
        Assert.Equal(10m, monthly.GetProperty("limit").GetDecimal());
    }

    [Fact]
    public async Task An_agent_over_its_daily_budget_has_its_items_paused_and_gets_no_new_offers()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await BudgetAgent.PatchBudgetsAsync(scenario, new { perAgentDailyUsd = 2.0 });
        var agent = await BudgetAgent.RegisterAsync(scenario, "spender", capacity: 2);
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        var second = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a health endpoint to the API"));
        await agent.TakeNextAsync();
        await agent.TakeNextAsync();

        await agent.ReportAsync(first.Id, costUsd: 1.0m);
        await agent.ReportAsync(second.Id, costUsd: 1.5m);
        var third = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a metrics endpoint"));

        Assert.Equal("budget", (await scenario.Human.GetWorkItemAsync(first.Id)).Extra!["pausedReason"].GetString());
        Assert.Equal("budget", (await scenario.Human.GetWorkItemAsync(second.Id)).Extra!["pausedReason"].GetString());
        Assert.Equal(0, await RunPassAsync(scenario.Group.Id));
        Assert.Equal(WorkItemStates.Ready, (await scenario.Human.GetWorkItemAsync(third.Id)).State);
    }

    [Fact]
    public async Task The_80_percent_warning_is_pushed_live_to_the_groups_people_once()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await BudgetAgent.PatchBudgetsAsync(scenario, new { monthlyUsd = 10.0 });
        var pushed = new ConcurrentQueue<JsonElement>();
        await using var live = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.BaseAddress, "/hubs/groups"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(ClawAppFactory.BootstrapToken))
            .Build();
        live.On<JsonElement>("eventAppended", pushed.Enqueue);
        await live.StartAsync();
        await live.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id));
        var agent = await BudgetAgent.RegisterAsync(scenario, "spender");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        await agent.TakeNextAsync();

        await agent.ReportAsync(item.Id, costUsd: 8.5m, fraction: 0.5);
        await agent.ReportAsync(item.Id, costUsd: 9m, fraction: 0.6);

        var warnings = await Eventually.ReachAsync(
            () => Task.FromResult(pushed.Where(e => e.GetProperty("type").GetString() == "budget.warning").ToList()), w => w.Count > 0, "budget.warning pushed", Deadline);
        var data = warnings[0].GetProperty("data");
        Assert.Equal("monthlyUsd", data.GetProperty("budget").GetString());
        Assert.Equal(0.85, data.GetProperty("share").GetDouble(), 3);
        Assert.False((await scenario.Human.GetWorkItemAsync(item.Id)).Extra!["paused"].GetBoolean());
        Assert.Single(await BudgetAgent.EventDataAsync(_app, scenario.Group.Id, "budget.warning"));
    }

    [Fact]
    public async Task A_budget_out_of_range_is_refused_with_the_field_named()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var owner = _app.OwnerHttpClient();

        using var refused = await owner.PatchAsync(new Uri($"/api/v1/groups/{scenario.Group.Id}", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { budgets = new { monthlyUsd = -1 } }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("budgets.monthlyUsd", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<int> RunPassAsync(string groupId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(Guid.Parse(groupId), CancellationToken.None);
    }
}
