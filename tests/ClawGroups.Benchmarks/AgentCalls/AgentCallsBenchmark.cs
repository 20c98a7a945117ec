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
/// figures per kind of call are printed. The counts do not depend on the machine's load; the times do.
/// </summary>
internal static class AgentCallsBenchmark
{
    private const int Rounds = 5;
    private static readonly TimeSpan OfferDeadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<string> args)
    {
        var rounds = IntOption(args, "--rounds", Rounds);
        var bootstrap = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ClawGroups__BootstrapToken"] = bootstrap,
            ["Database__CountCommands"] = "true",
        };
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

        var figures = new CallFigures();
        var finished = 0;
        for (var round = 0; round < rounds; round++)
        {
            // As many items as agents, phrased as the profiles' own examples: the coordinator offers each to an agent of its area.
            for (var i = 0; i < agents.Count; i++)
                await human.CreateWorkItemAsync(group.Id, SwarmAsks.Item(round * agents.Count + i));

            var left = agents.Count;
            var deadline = Stopwatch.StartNew();
            while (left > 0 && deadline.Elapsed < OfferDeadline)
            {
                foreach (var (api, id) in agents)
                {
                    if (await OfferAsync(api, id, figures) is not { } item)
                        continue;
                    figures.Add("accept", await api.AcceptAsync(item, Key()));
                    figures.Add("heartbeat, status changes", await api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Busy)));
                    figures.Add("heartbeat, nothing new", await api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Busy)));
                    figures.Add("progress", await api.ReportProgressAsync(item, new ProgressReport(0.5, "half-way"), Key()));
                    figures.Add("result", await api.SubmitResultAsync(item, new WorkResult("done", [new Artifact("result.md", "text/markdown", "# Done\n")]), Key()));
                    figures.Add("heartbeat, status changes", await api.HeartbeatAsync(id, new Heartbeat(HeartbeatStatus.Idle)));
                    left--;
                    finished++;
                }

                await Task.Delay(50);
            }

            if (left > 0)
                output.WriteLine(Invariant($"round {round + 1}: {left} items were offered to nobody within {OfferDeadline.TotalSeconds:0} s"));
        }

        output.WriteLine(Invariant($"{finished} items worked through"));
        output.WriteLine();
        figures.WriteTable(output);
        output.WriteLine(Invariant($"server log: {app.Errors} errors, {app.Warnings} warnings"));
        foreach (var problem in app.Problems.Take(10))
            output.WriteLine($"  log: {problem}");
        // On a fresh PostgreSQL, EF logs its first look for __EFMigrationsHistory as an error: the log is shown, not judged.
        return finished == rounds * agents.Count ? 0 : 1;
    }

    /// <summary>
    /// The item offered to the agent, if one waits; only a pull that found one is recorded. (A long poll's figures would
    /// depend on when the pass happened to run.)
    /// </summary>
    private static async Task<string?> OfferAsync(ClawApiClient api, string agentId, CallFigures figures)
    {
        var response = await api.SendAsync(HttpMethod.Get, $"api/v1/agents/{agentId}/work?waitSeconds=0");
        if (response.StatusCode != HttpStatusCode.OK)
            return null;
        figures.Add("pull, an offer waiting", response);
        return response.As<WorkItem>()!.Id;
    }

    private static string Key() => Guid.NewGuid().ToString("N");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
