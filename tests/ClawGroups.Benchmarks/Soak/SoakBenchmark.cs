using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;
using ClawGroups.Testing.Apps;
using ClawGroups.Testing.Postgres;
using static ClawGroups.Benchmarks.BenchmarkArgs;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// The soak of issue 17 (part 5): agents of every kind (pull and webhook; steady, slow, now and then silent, failing) work
/// through many items in compressed time on one PostgreSQL with several app nodes. Says whether anything was lost or done
/// twice (read from the database), whether memory stayed flat, whether throughput held, and how the work split between
/// the nodes. Exits 1 when an item was lost or done twice.
/// </summary>
internal static class SoakBenchmark
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PrintEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan GiveUpWithoutProgress = TimeSpan.FromSeconds(180);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<string> args)
    {
        ThreadPool.SetMinThreads(64, 64);
        var options = SoakOptions.Parse(args);
        output.WriteLine($"dotnet run -c Release --project tests/ClawGroups.Benchmarks -- soak {string.Join(' ', args.Skip(1))}");
        output.WriteLine(Invariant($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}"));

        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("soak");
        var bootstrap = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await using var nodes = await StartNodesAsync(output, options, args, database, bootstrap);
        var http = nodes.Apps.Select(app => new HttpClient(
            new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = app.Url,
            Timeout = TimeSpan.FromSeconds(60),
        }).ToList();
        try
        {
            return await RunOnNodesAsync(output, options, nodes, http, database, bootstrap);
        }
        finally
        {
            http.ForEach(client => client.Dispose());
        }
    }

    private static async Task<int> RunOnNodesAsync(
        TextWriter output, SoakOptions options, SoakNodes nodes, List<HttpClient> http, string database, string bootstrap)
    {
        var human = new ClawApiClient(http[0], bootstrap);
        var group = await human.CreateGroupAsync(new CreateGroup("Soak", $"{options.Agents} agents, {options.Items} items", RequireReview: false));
        // The group's own clock, compressed: what a production group counts in minutes, the soak counts in seconds.
        await human.SendAsync(HttpMethod.Patch, $"api/v1/groups/{group.Id}", new
        {
            maxAttempts = options.MaxAttempts,
            heartbeatTimeoutSeconds = options.HeartbeatTimeoutSeconds,
            progressTimeoutSeconds = options.ProgressTimeoutSeconds,
            startGraceSeconds = options.StartGraceSeconds,
        });
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: (int)options.LimitMinutes + 60, MaxUses: options.Agents));

        var run = new SoakRun(nodes.Count);
        var feed = new SoakFeed([.. http.Select(client => new ClawApiClient(client, bootstrap))], group.Id, run);
        using var stopping = new CancellationTokenSource();
        await using var webhooks = new SoakWebhooks();
        await webhooks.StartAsync();
        var setup = Stopwatch.StartNew();
        if (options.Preload)
        {
            await feed.RunAsync(options.Items, double.PositiveInfinity, CancellationToken.None);
            output.WriteLine(Invariant($"created {run.CreatedCount:N0} items before any agent joined, in {setup.Elapsed.TotalSeconds:0} s"));
            setup.Restart();
        }

        var agents = await SoakRoster.RegisterAsync(http, join.Token, options, run, webhooks, stopping.Token);
        var slots = agents.Sum(agent => agent.Capacity);
        output.WriteLine(Invariant($"registered {agents.Count} agents with {slots} slots in {setup.Elapsed.TotalSeconds:0} s: {SoakRoster.Describe(agents, nodes.Count)}"));

        var started = Stopwatch.GetTimestamp();
        var running = agents.Select(agent => agent.Agent.RunAsync()).ToList();
        var feeding = options.Preload ? Task.CompletedTask : feed.RunAsync(options.Items, options.FeedRatePerSecond, stopping.Token);
        if (!options.Preload)
            output.WriteLine(Invariant($"feeding {options.Items:N0} items at {options.FeedRatePerSecond:0.0} a second ({options.FeedMinutes:0.#} minutes)"));

        var (outcome, cutShort) = await WatchAsync(output, options, nodes, run, database, Guid.Parse(group.Id), feeding, started, slots);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = nodes.CpuSinceStart();
        await stopping.CancelAsync();
        await Task.WhenAll(running);
        await feeding;

        var ledger = await SoakLedger.ReadAsync(database, Guid.Parse(group.Id), feed.CreatedIds);
        var report = new SoakReport(output, options, nodes, run, ledger, webhooks, started, slots);
        report.Write(outcome, cutShort, elapsed, cpu);
        return !cutShort && ledger.Lost == 0 && ledger.DoneTwice == 0 && run.TakenTwice == 0 ? 0 : 1;
    }

    private static async Task<SoakNodes> StartNodesAsync(TextWriter output, SoakOptions options, IReadOnlyList<string> args, string database, string bootstrap)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ClawGroups__BootstrapToken"] = bootstrap,
            ["ClawGroups__Api__HumanRequestsPerMinute"] = "1000000",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__ClawGroups"] = database,
            // The soak's webhook agents listen on loopback.
            ["ClawGroups__Webhooks__AllowPrivateAddresses"] = "true",
            ["ClawGroups__Coordinator__SweepIntervalSeconds"] = options.SweepSeconds.ToString(CultureInfo.InvariantCulture),
            // Nobody is there to route an item the skill model is unsure of: held, it would wait to the end and read as lost.
            ["ClawGroups__Coordinator__MinRoutingConfidence"] = "0",
        };
        AddAppSettings(args, settings);
        var logs = Directory.CreateTempSubdirectory("claw-soak-").FullName;
        var apps = new List<AppProcess>();
        var paths = new List<string>();
        try
        {
            // One after the other: each migrates the database on start, and the second then finds nothing to do.
            for (var node = 0; node < options.Nodes; node++)
            {
                var log = Path.Combine(logs, $"node-{node + 1}.log");
                apps.Add(await AppProcess.StartAsync(
                    new AppProcessOptions { Configuration = "Release", Build = node == 0, Settings = settings, LogPath = log }, output));
                paths.Add(log);
                output.WriteLine($"node {node + 1} on {apps[^1].Url} (pid {apps[^1].ProcessId}), log {log}");
            }
        }
        catch
        {
            foreach (var app in apps)
                await app.DisposeAsync();
            throw;
        }

        return new SoakNodes(apps, paths);
    }

    /// <summary>
    /// Samples the nodes and prints how the run goes until every item created is done, or nothing has finished for a
    /// while (stuck: what is open is lost), or the run is cut short by its time limit or a node's exit.
    /// </summary>
    private static async Task<(string Outcome, bool CutShort)> WatchAsync(
        TextWriter output, SoakOptions options, SoakNodes nodes, SoakRun run, string database, Guid groupId, Task feeding, long started, int slots)
    {
        var limit = TimeSpan.FromMinutes(options.LimitMinutes);
        var lastPrint = Stopwatch.GetTimestamp();
        var lastDone = -1;
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            await Task.Delay(SampleEvery);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (nodes.Exited is { } exited)
                return (Invariant($"node {nodes.Apps.ToList().IndexOf(exited) + 1} exited with {exited.ExitCode} after {elapsed.TotalSeconds:0} s"), true);
            nodes.Sample(elapsed.TotalSeconds);
            var (done, total, jobsWaiting) = await SoakLedger.PulseAsync(database, groupId);
            nodes.JobsWaiting(jobsWaiting);
            if (done != lastDone)
                (lastDone, lastProgress) = (done, Stopwatch.GetTimestamp());
            if (Stopwatch.GetElapsedTime(lastPrint) >= PrintEvery)
            {
                lastPrint = Stopwatch.GetTimestamp();
                var memory = string.Join(" / ", nodes.Samples[^1].Resident.Select(bytes => Mb(bytes).ToString(CultureInfo.InvariantCulture)));
                output.WriteLine(Invariant(
                    $"  {elapsed.TotalSeconds,5:0} s: {run.CreatedCount,6} created, {done,6} done, {run.Working,4}/{slots} slots working, {jobsWaiting,5} jobs waiting, RSS {memory} MB"));
            }

            if (feeding.IsCompleted && total > 0 && done >= total)
                return (Invariant($"every item done after {elapsed.TotalSeconds:0} s"), false);
            if (elapsed > limit)
                return (Invariant($"gave up at the time limit ({options.LimitMinutes:0.#} min) with {done} of {total} done"), true);
            if (Stopwatch.GetElapsedTime(lastProgress) > GiveUpWithoutProgress)
                return (Invariant($"gave up: nothing finished for {GiveUpWithoutProgress.TotalSeconds:0} s, {done} of {total} done"), false);
        }
    }

    public static long Mb(long bytes) => bytes / (1024 * 1024);

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
