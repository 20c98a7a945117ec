using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Budgets;

/// <summary>The breakers of decision 0028 on PostgreSQL: each trips on a simulated runaway and releases as documented.</summary>
[Collection(WebTestCollection.Name)]
public sealed class BreakerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:Breakers:MaxBounces"] = "3",
        ["ClawGroups:Coordinator:Breakers:FailureStreak"] = "2",
        // Long enough that the pass run just after the trip falls inside it, short enough to wait for.
        ["ClawGroups:Coordinator:Breakers:CooldownSeconds"] = "4",
        ["ClawGroups:Coordinator:ProgressTimeoutSeconds"] = "5",
        ["ClawGroups:Coordinator:StartGraceSeconds"] = "0",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_item_declined_over_and_over_waits_for_a_person_and_a_retry_releases_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await BudgetAgent.RegisterAsync(scenario, "decliner");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));

        for (var bounce = 0; bounce < 4; bounce++)
        {
            var offered = await agent.Api.PullWorkAsync(agent.Id, waitSeconds: 25);
            Assert.Equal(item.Id, offered?.Id);
            await agent.Api.DeclineAsync(item.Id, "not now");
        }

        var held = await scenario.Human.GetWorkItemAsync(item.Id);
        var events = await scenario.Human.GetEventsAsync(item.Id);
        await scenario.Human.SendAsync(HttpMethod.Post, $"/api/v1/work-items/{item.Id}/retry");
        var offeredAgain = await agent.Api.PullWorkAsync(agent.Id, waitSeconds: 25);

        Assert.Equal(WorkItemStates.Failed, held.State);
        Assert.Contains(events, e => e.Type == "breaker.tripped" && e.Data!.Value.GetProperty("reason").GetString() == "pingPong");
        Assert.Contains(events, e => e.Type == "work.failed" && e.Data!.Value.GetProperty("reason").GetString() == "pingPong");
        Assert.Equal(item.Id, offeredAgain?.Id);
    }

    [Fact]
    public async Task An_agent_failing_in_a_row_cools_down_then_gets_one_trial_and_a_completed_trial_releases_it()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await BudgetAgent.RegisterAsync(scenario, "flop", capacity: 2);
        foreach (var title in new[] { "Add an index to orders", "Add a health endpoint to the API" })
        {
            var failing = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem(title));
            Assert.Equal(failing.Id, (await agent.TakeNextAsync()).Id);
            await agent.FinishAsync(failing.Id, costUsd: 0.1m);
            await scenario.Human.ReviewAsync(failing.Id, approve: false, "wrong; not you again");
            await scenario.Human.CancelAsync(failing.Id);
        }

        var trial = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a metrics endpoint"));
        var next = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add a readiness probe"));
        var offeredWhileCooling = await RunPassAsync(scenario.Group.Id);
        var trips = await BudgetAgent.EventDataAsync(_app, scenario.Group.Id, "breaker.tripped");
        var roster = await scenario.Human.GetGroupAsync(scenario.Group.Id);

        Assert.Equal(0, offeredWhileCooling);
        using (var tripped = JsonDocument.Parse(Assert.Single(trips)))
        {
            Assert.Equal("failureStreak", tripped.RootElement.GetProperty("reason").GetString());
        }

        Assert.Contains(roster.Members, m => m.Id == agent.Id && m.Extra?["breaker"].GetProperty("coolingUntil").ValueKind == JsonValueKind.String);

        // Half-open after the cool-down: one trial at a time, though the agent has room for two.
        var first = await agent.TakeNextAsync();
        Assert.Equal(0, await RunPassAsync(scenario.Group.Id));
        await agent.FinishAsync(first.Id, costUsd: 0.1m);
        await scenario.Human.ReviewAsync(first.Id, approve: true);
        var second = await agent.Api.PullWorkAsync(agent.Id, waitSeconds: 25);

        Assert.Contains(first.Id, new[] { trial.Id, next.Id });
        Assert.Equal(next.Id == first.Id ? trial.Id : next.Id, second?.Id);
        Assert.Single(await BudgetAgent.EventDataAsync(_app, scenario.Group.Id, "breaker.released"));
    }

    [Fact]
    public async Task Progress_that_repeats_itself_past_the_progress_timeout_stalls_as_repeated_progress()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await BudgetAgent.RegisterAsync(scenario, "looper");
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        await agent.TakeNextAsync();

        // The looping agent: the same report, again and again, while it still holds the item.
        var stalled = await Eventually.ReachAsync(async () =>
        {
            await agent.Api.HeartbeatAsync(agent.Id, new Heartbeat(HeartbeatStatus.Busy));
            var answer = await Record.ExceptionAsync(() => agent.ReportAsync(item.Id, costUsd: 0.01m, fraction: 0.3, message: "thinking"));
            return await scenario.Human.GetWorkItemAsync(item.Id);
        }, w => w.State != WorkItemStates.InProgress, "the looping run to be stopped", TimeSpan.FromSeconds(60));

        Assert.Equal("progressRepeated", stalled.Assignments[0].Extra?["stallReason"].GetString());
    }

    private async Task<int> RunPassAsync(string groupId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(Guid.Parse(groupId), CancellationToken.None);
    }
}
