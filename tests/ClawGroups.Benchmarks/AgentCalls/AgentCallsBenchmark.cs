using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;
using ClawGroups.Testing.Apps;
using ClawGroups.Testing.Postgres;
using static ClawGroups.Benchmarks.BenchmarkArgs;

namespace ClawGroups.Benchmarks.AgentCalls;

/// <summary>
/// What one agent call costs the server in database round trips (issue 17): the app started as the swarm starts it, with
/// <c>Database:CountCommands</c> on, so that each answer carries a <c>Server-Timing</c> header with the number of database
/// commands the request ran and their time. A few pull agents (one per skill profile) then go through their cycle one call at
/// a time — pull, accept, a heartbeat that switches the status, one that has nothing new, progress, result — and the
/// figures per kind of call are printed, with the server process's CPU time while each call was in flight. The counts do
/// not depend on the machine's load; the times do. <c>--preload</c> creates all items first (their encoding is then not
/// charged to the calls); <c>--trace FILE</c> samples the server's CPU with perf during the measured rounds.
/// </summary>
internal static class AgentCallsBenchmark
{
    private const int Rounds = 5;
    private static readonly TimeSpan OfferDeadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// With every item waiting, each result's pass offers the agent its next one within a few seconds; an item still not
    /// offered after this is held (for a person to route), and waiting the full minute for it only delays the figures.
    /// </summary>
    private static readonly TimeSpan PreloadedOfferDeadline = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<string> args)
    {
        var rounds = IntOption(args, "--rounds", Rounds);
        var bootstrap = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ClawGroups__BootstrapToken"] = bootstrap,
            ["Database__CountCommands"] = "true",
            // Agents with no offer yet ask again every 50 ms: more than the default 600 a minute.
            ["ClawGroups__Api__AgentRequestsPerMinute"] = "1000000",
            [FeedbackNever.Key] = FeedbackNever.Value,
        };
        if (Options(args, "--trace").Any())
        {
            foreach (var (name, value) in CpuTrace.AppSettings)
                settings[name] = value;
        }

        AddAppSettings(args, settings);

        var database = "embedded default (SQLite + in-process jobs)";
        if (args.Contains("--postgres"))
        {
            var server = await PostgresServer.SharedAsync();
            settings["Database__Provider"] = "Postgres";
            settings["ConnectionStrings__ClawGroups"] = await server.CreateDatabaseAsync("agent_calls");
            database = "PostgreSQL (app data and Hangfire)";
        }

        await using var app = await AppProcess.StartAsync(
            new AppProcessOptions { Configuration = "Release", Build = !args.Contains("--no-build"), Settings = settings, LogPath = Options(args, "--app-log").LastOrDefault() },
            output);
        output.WriteLine($"app on {app.Url} (pid {app.ProcessId}), {database}");

        using var http = new HttpClient { BaseAddress = app.Url, Timeout = TimeSpan.FromSeconds(60) };
        var human = new ClawApiClient(http, bootstrap);
        var group = await human.CreateGroupAsync(new CreateGroup("Agent calls", "round trips per agent call", RequireReview: false));
        var profiles = SkillProfiles.Names.Count;
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 60, MaxUses: profiles));
        var anonymous = new ClawApiClient(http);
        var agents = new List<(ClawApiClient Api, string Id)>();
        for (var i = 0; i < profiles; i++)
        {
            var registration = await anonymous.RegisterAgentAsync(join.Token, SwarmAsks.Card(i, AgentDelivery.Pull, capacity: 1));
            agents.Add((anonymous.WithToken(registration.ApiKey), registration.AgentId));
        }

        // Every agent heartbeats once before the figures start: its first one brings it from registered to online.
        foreach (var (api, id) in agents)
            await api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Idle));
        output.WriteLine(Invariant($"{agents.Count} pull agents, one per skill profile, capacity 1; {rounds} rounds, one call at a time"));

        // --preload: every round's items created before the calls, so that the encoder's work on new items (most of the
        // server's CPU otherwise) is not charged to the calls and not in a --trace.
        var preload = args.Contains("--preload");
        var offerDeadline = preload ? PreloadedOfferDeadline : OfferDeadline;
        if (preload)
        {
            for (var i = 0; i < rounds * agents.Count; i++)
                await human.CreateWorkItemAsync(group.Id, SwarmAsks.Item(i));
            output.WriteLine(Invariant($"{rounds * agents.Count} items created first"));
        }

        // The first round warms the server up (JIT, caches, pools) and is left out of the figures when there are more.
        var warmUpItems = rounds > 1 ? agents.Count : 0;
        var target = rounds * agents.Count;
        var created = preload ? target : 0;
        using var cpu = new ServerCpu(app.ProcessId);
        var figures = new CallFigures();
        CpuTrace? trace = null;
        var finished = 0;
        try
        {
            var sinceOffer = Stopwatch.StartNew();
            while (finished < target && sinceOffer.Elapsed < offerDeadline)
            {
                // A round's items, as many as agents, phrased as the profiles' own examples: the coordinator offers each to an
                // agent of its area.
                if (created == finished)
                {
                    for (var i = 0; i < agents.Count; i++)
                        await human.CreateWorkItemAsync(group.Id, SwarmAsks.Item(created++));
                }

                foreach (var (api, id) in agents)
                {
                    var measured = finished >= warmUpItems;
                    if (measured && trace is null && Options(args, "--trace").LastOrDefault() is { } tracePath)
                        trace = await CpuTrace.StartAsync(app.ProcessId, tracePath, output);
                    if (finished == target || await OfferAsync(api, id, measured ? figures : null, cpu) is not { } item)
                        continue;
                    sinceOffer.Restart();
                    async Task Call(string name, Func<Task<ClawApiResponse>> call)
                    {
                        var before = cpu.Now();
                        var response = await call();
                        if (measured)
                            figures.Add(name, response, cpu.Now() - before);
                    }

                    await Call("accept", () => api.AcceptAsync(item, Key()));
                    await Call("heartbeat, status changes", () => api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Busy)));
                    await Call("heartbeat, nothing new", () => api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Busy)));
                    await Call("progress", () => api.ReportProgressAsync(item, new ProgressReport(0.5, "half-way"), Key()));
                    await Call("result", () => api.SubmitResultAsync(item, new WorkResult("done", [new Artifact("result.md", "text/markdown", "# Done\n")]), Key()));
                    await Call("heartbeat, status changes", () => api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Idle)));
                    finished++;
                }

                await Task.Delay(50);
            }
        }
        finally
        {
            if (trace is not null)
                await trace.DisposeAsync();
        }

        if (finished < target)
            output.WriteLine(Invariant($"{created - finished} items were offered to nobody within {offerDeadline.TotalSeconds:0} s"));
        if (warmUpItems > 0)
            output.WriteLine(Invariant($"the first {warmUpItems} items' calls (warm-up) are left out of the figures"));
        output.WriteLine(Invariant($"{finished} items worked through"));
        output.WriteLine();
        figures.WriteTable(output);
        output.WriteLine(Invariant($"server log: {app.Errors} errors, {app.Warnings} warnings"));
        foreach (var problem in app.Problems.Take(10))
            output.WriteLine($"  log: {problem}");
        // On a fresh PostgreSQL, EF logs its first look for __EFMigrationsHistory as an error: the log is shown, not judged.
        return finished == target ? 0 : 1;
    }

    /// <summary>
    /// The item offered to the agent, if one waits; only a pull that found one is recorded. (A long poll's figures would
    /// depend on when the pass happened to run.)
    /// </summary>
    private static async Task<string?> OfferAsync(ClawApiClient api, string agentId, CallFigures? figures, ServerCpu cpu)
    {
        var before = cpu.Now();
        var response = await api.SendAsync(HttpMethod.Get, $"api/v1/agents/{agentId}/work?waitSeconds=0");
        if (response.StatusCode != HttpStatusCode.OK)
            return null;
        figures?.Add("pull, an offer waiting", response, cpu.Now() - before);
        return response.As<WorkItem>()!.Id;
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
