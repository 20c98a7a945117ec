using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// How many database commands an agent's calls cost (issue 17), read as the <c>agent-calls</c> benchmark reads them: from
/// the <c>Server-Timing</c> header that <c>Database:CountCommands</c> turns on. A change that adds a round trip to an agent's
/// hot path fails here and has to say why: on PostgreSQL, where a save's statements go in one batch, the commands; on the
/// embedded SQLite default, the turns at its one writer.
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
        var cycle = await OneCycleAsync(_app);
        var commands = cycle.ToDictionary(call => call.Key, call => Figure(call.Value, "db"));

        // docs/PERFORMANCE.md, "Agent calls' round trips": 8, 10, 8, 11 and 13 before issue 17's cuts.
        // A heartbeat's second write, its attempts' lease ends, went with the column (nothing read it): 5 → 4.
        var most = new Dictionary<string, int> { ["pull"] = 4, ["accept"] = 6, ["heartbeat"] = 4, ["progress"] = 7, ["result"] = 9 };
        Assert.All(most, bound => Assert.True(commands[bound.Key] <= bound.Value,
            $"{bound.Key}: {commands[bound.Key]} database commands, at most {bound.Value} expected"));
    }

    /// <summary>
    /// On the embedded default every write outside a transaction is a turn at SQLite's one writer, what a swarm's calls queue
    /// for; a keyed call's stored answer is a turn of its own here, where no other answer is written beside it to share it.
    /// docs/PERFORMANCE.md, "One turn for a heartbeat's or a progress report's writes": joining the heartbeat's two writes (it has
    /// one now), or the progress report's sign of life and save, in one transaction was measured and not kept.
    /// </summary>
    [Fact]
    public async Task On_the_embedded_default_an_agents_cycle_takes_at_most_the_writer_turns_measured()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(
            new Dictionary<string, string?> { ["Database:CountCommands"] = "true" }, DatabaseProvider.Sqlite);
        // The stored keys are read beside the first requests; until then every keyed call reads its key.
        var keys = app.Services.GetRequiredService<AnsweredKeys>();
        await Eventually.ReachAsync(() => Task.FromResult(keys.Loaded), loaded => loaded, "the answered keys loaded", Deadline);
        var cycle = await OneCycleAsync(app);
        var turns = cycle.ToDictionary(call => call.Key, call => Figure(call.Value, "turns"));
        var commands = cycle.ToDictionary(call => call.Key, call => Figure(call.Value, "db"));

        // A heartbeat is one write, its agent's row: its attempts' lease ends, a turn of their own, are no longer stored.
        var most = new Dictionary<string, int> { ["pull"] = 0, ["accept"] = 2, ["heartbeat"] = 1, ["progress"] = 2, ["result"] = 2 };
        Assert.All(most, bound => Assert.True(turns[bound.Key] <= bound.Value,
            $"{bound.Key}: {turns[bound.Key]} turns at the SQLite writer, at most {bound.Value} expected"));
        // A new Idempotency-Key is not read here (AnsweredKeys): reading it made accept and result 7 and 10. A progress report's
        // sign of life is written with others' afterwards (SignsOfLife); where it wrote its own, a second after the last, it took
        // 7 commands and 3 turns.
        var mostCommands = new Dictionary<string, int> { ["accept"] = 6, ["progress"] = 6, ["result"] = 9 };
        Assert.All(mostCommands, bound => Assert.True(commands[bound.Key] <= bound.Value,
            $"{bound.Key}: {commands[bound.Key]} database commands, at most {bound.Value} expected; {cycle[bound.Key]}"));
        // The header counts: the calls that write took turns.
        Assert.True(turns["accept"] > 0 && turns["result"] > 0, string.Join("; ", cycle.Values));
    }

    /// <summary>An agent's calls on one item, from its first offer to its result, each with its answer's <c>Server-Timing</c>.</summary>
    private static async Task<Dictionary<string, string>> OneCycleAsync(ClawAppFactory app)
    {
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: false);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = "counted" });
        var agent = scenario.AgentClient(registration.ApiKey);
        await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Fix the login redirect"));
        var pull = await Eventually.ReachAsync(
            () => agent.SendAsync(HttpMethod.Get, $"api/v1/agents/{registration.AgentId}/work?waitSeconds=0"),
            response => response.StatusCode == System.Net.HttpStatusCode.OK, "an offer", Deadline);
        var item = pull.As<WorkItem>()!.Id;

        return new Dictionary<string, string>
        {
            ["pull"] = Timing(pull),
            ["accept"] = Timing(await agent.AcceptAsync(item, Guid.NewGuid().ToString("N"))),
            ["heartbeat"] = Timing(await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Busy))),
            ["progress"] = Timing(await agent.ReportProgressAsync(item, new ProgressReport(0.5, "half-way"), Guid.NewGuid().ToString("N"))),
            ["result"] = Timing(await agent.SubmitResultAsync(item, new WorkResult("done", []), Guid.NewGuid().ToString("N"))),
        };
    }

    private static string Timing(ClawApiResponse response) => string.Join(", ", response.Headers.GetValues("Server-Timing"));

    /// <summary>The number in <c>NAME;desc="N"</c>.</summary>
    private static int Figure(string timing, string name)
    {
        var label = $"{name};desc=\"";
        var start = timing.IndexOf(label, StringComparison.Ordinal) + label.Length;
        return int.Parse(timing[start..timing.IndexOf('"', start)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
