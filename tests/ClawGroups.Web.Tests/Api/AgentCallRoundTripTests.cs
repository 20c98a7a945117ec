using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// How many database commands an agent's calls cost (issue 17), read as the <c>agent-calls</c> benchmark reads them: from
/// the <c>Server-Timing</c> header that <c>Database:CountCommands</c> turns on. A change that adds a round trip to an agent's
/// hot path fails here and has to say why. PostgreSQL, where a save's statements go in one batch.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class AgentCallRoundTripTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync()
        => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["Database:CountCommands"] = "true" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_agents_cycle_costs_at_most_the_round_trips_measured()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = "counted" });
        var agent = scenario.AgentClient(registration.ApiKey);
        await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the login redirect"));
        var pull = await Eventually.ReachAsync(
            () => agent.SendAsync(HttpMethod.Get, $"api/v1/agents/{registration.AgentId}/work?waitSeconds=0"),
            response => response.StatusCode == System.Net.HttpStatusCode.OK, "an offer", Deadline);
        var item = pull.As<WorkItem>()!.Id;

        var commands = new Dictionary<string, int>
        {
            ["pull"] = Commands(pull),
            ["accept"] = Commands(await agent.AcceptAsync(item, Guid.NewGuid().ToString("N"))),
            ["heartbeat"] = Commands(await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy))),
            ["progress"] = Commands(await agent.ReportProgressAsync(item, new ProgressReport(0.5, "half-way"), Guid.NewGuid().ToString("N"))),
            ["result"] = Commands(await agent.SubmitResultAsync(item, new WorkResult("done", []), Guid.NewGuid().ToString("N"))),
        };

        // docs/PERFORMANCE.md, "Agent calls' round trips": 8, 10, 8, 11 and 13 before issue 17's cuts.
        var most = new Dictionary<string, int> { ["pull"] = 4, ["accept"] = 6, ["heartbeat"] = 5, ["progress"] = 7, ["result"] = 9 };
        Assert.All(most, bound => Assert.True(commands[bound.Key] <= bound.Value,
            $"{bound.Key}: {commands[bound.Key]} database commands, at most {bound.Value} expected"));
    }

    /// <summary>The number in <c>db;desc="N"</c>.</summary>
    private static int Commands(ClawApiResponse response)
    {
        var header = string.Join(", ", response.Headers.GetValues("Server-Timing"));
        var start = header.IndexOf("db;desc=\"", StringComparison.Ordinal) + "db;desc=\"".Length;
        return int.Parse(header[start..header.IndexOf('"', start)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
