using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Allocations;
using ClawGroups.Testing.Apps;
using ClawGroups.Testing.Postgres;
using static ClawGroups.Benchmarks.BenchmarkArgs;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// The K2.6 swarm seen from outside (issue 17): the app started as a user starts it on its embedded default (or, with
/// <c>--postgres</c>, on a throwaway PostgreSQL), 300 pull
/// agents with 750 slots, 4,000 items phrased as people write them, each worked 1–3 s. Reports how long a freed slot
/// stands empty, what each agent call takes, items finished per second, the server's memory, and every error.
/// </summary>
internal static class SwarmBenchmark
{
    private const int Agents = 300;
    private const int Items = 4_000;
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);
    private const int IdleSeconds = 120;
    private const int WarmUpSeconds = 20;
    private static readonly TimeSpan FirstItemWait = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<string> args)
    {
        ThreadPool.SetMinThreads(64, 64);
        var agents = IntOption(args, "--agents", Agents);
        var items = IntOption(args, "--items", Items);
        // The swarm has no person to release a routing hold, so a run ends by waiting this long with nothing finished; a
        // shorter wait saves that tail when only the run's memory or its busy part is wanted.
        var giveUpWithoutProgress = TimeSpan.FromSeconds(IntOption(args, "--idle-seconds", IdleSeconds));
        var bootstrap = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ClawGroups__BootstrapToken"] = bootstrap,
            // The swarm's orchestrator posts 4,000 items in a minute or two with one token: an operator running a swarm raises
            // the per-token limit (1,200 a minute by default) as here. The agents keep theirs.
            ["ClawGroups__Api__HumanRequestsPerMinute"] = "1000000",
            [FeedbackNever.Key] = FeedbackNever.Value,
        };
        AddAppSettings(args, settings);

        var database = "embedded default (SQLite + in-process jobs)";
        var onPostgres = args.Contains("--postgres");
        if (onPostgres)
        {
            // A throwaway PostgreSQL 15 as the tests start it; the app keeps its jobs there too, as in production.
            var server = await PostgresServer.SharedAsync();
            settings["Database__Provider"] = "Postgres";
            settings["ConnectionStrings__ClawGroups"] = await server.CreateDatabaseAsync("swarm")
                + (IntOption(args, "--postgres-pool", 0) is > 0 and var pool ? $";Maximum Pool Size={pool}" : "");
            database = "PostgreSQL (app data and Hangfire)";
        }

        // --publish: published without a runtime; --ready-to-run: published for linux-x64 as README's production recipe and
        // Web/Dockerfile do, which compiles it ahead of time (Web/ClawGroups.Web.csproj, decision 0034).
        var readyToRun = args.Contains("--ready-to-run");
        await using var app = await AppProcess.StartAsync(
            new AppProcessOptions
            {
                Configuration = "Release",
                Build = !readyToRun && !args.Contains("--publish"),
                Publish = readyToRun || args.Contains("--publish"),
                PublishArguments = readyToRun ? ["-r", "linux-x64", "--self-contained", "false"] : [],
                Settings = settings,
                LogPath = Options(args, "--app-log").LastOrDefault(),
            }, output);
        output.WriteLine($"app on {app.Url} (pid {app.ProcessId}), {database}");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = app.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var human = new ClawApiClient(http, bootstrap);
        var group = await human.CreateGroupAsync(new CreateGroup("K2.6 swarm", "300 pull agents, 4,000 items", RequireReview: false));
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 120, MaxUses: agents));

        // --warm-group A:N: before anything is measured, A agents of a group of their own work through N items, so that the
        // measured swarm meets a server whose code paths have run (a diagnostic: how much of a run's tail is the start).
        if (Options(args, "--warm-group").LastOrDefault() is { } warmGroup)
            await WarmUpAsync(app, http, human, warmGroup, output);

        var run = new SwarmRun();
        var setup = Stopwatch.StartNew();
        // --preload: every item waits before the first agent joins, so what is measured is the coordinator and the agents'
        // calls alone (the outside view of issue 17: 3,000 items waiting); without it items arrive while the swarm works, and
        // how fast they can be created is part of the figure.
        var preload = args.Contains("--preload");
        if (preload)
        {
            await CreateItemsAsync(human, group.Id, items, run);
            output.WriteLine(Invariant($"created {items:N0} items before any agent joined, in {setup.Elapsed.TotalSeconds:0.0} s"));
            setup.Restart();
        }

        var swarm = await RegisterAsync(http, join.Token, agents, run);
        var slots = swarm.Sum(agent => agent.Capacity);
        output.WriteLine(Invariant($"registered {swarm.Count} agents with {slots} slots in {setup.Elapsed.TotalSeconds:0.0} s; server RSS {Mb(app.ResidentBytes())} MB"));

        using var stopping = new CancellationTokenSource();
        var running = swarm.Select(agent => agent.RunAsync(stopping.Token)).ToList();
        var rssBefore = app.ResidentBytes();
        var cpuBefore = app.ProcessorTime();
        var threads = new ServerThreads(app.ProcessId);
        threads.Sample();
        var threadsBefore = threads.Total;
        var clientCpuBefore = Environment.CpuUsage.TotalTime;
        var databaseCpuBefore = onPostgres ? PostgresCpu.Total() : TimeSpan.Zero;
        var started = Stopwatch.GetTimestamp();
        // The threads' figures at the last reading while items still finished: the idle wait at the end would dilute them.
        var (threadsBusy, threadsBusyAt, threadsBusyFinished) = (threadsBefore, started, 0);
        // --per-minute N: items arrive at a steady rate (issue 17: "2,000 items a minute") instead of as fast as they can be made.
        var perMinute = IntOption(args, "--per-minute", 0);
        var creating = preload ? Task.CompletedTask
            : perMinute > 0 ? CreateItemsSteadilyAsync(human, group.Id, items, perMinute, run)
            : CreateItemsAsync(human, group.Id, items, run);

        // --alloc-trace FILE: the server's allocation ticks for 15 s once 100 items are done (the agents' phase, past warm-up).
        var allocTrace = Options(args, "--alloc-trace").LastOrDefault();
        Task tracing = Task.CompletedTask;

        var rssPeak = rssBefore;
        var workingSamples = new List<int>();
        var lastFinished = 0;
        var lastProgress = Stopwatch.GetTimestamp();
        var lastPrint = Stopwatch.GetTimestamp();
        while (run.FinishedCount < items)
        {
            await Task.Delay(250);
            if (app.HasExited)
            {
                output.WriteLine(Invariant($"the server exited with {app.ExitCode} after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s with {run.FinishedCount} of {items} finished"));
                foreach (var problem in app.Problems.Take(10))
                    output.WriteLine($"  log: {problem}");
                foreach (var line in app.RecentOutput.TakeLast(40))
                    output.WriteLine($"  last printed: {line}");
                return 1;
            }

            if (allocTrace is not null && tracing.IsCompleted && run.FinishedCount >= 100)
            {
                output.WriteLine($"recording the server's allocation ticks for 15 s into {allocTrace}");
                tracing = AllocationTrace.RecordAsync(app.ProcessId, TimeSpan.FromSeconds(15), allocTrace);
                allocTrace = null;
            }

            rssPeak = Math.Max(rssPeak, app.ResidentBytes());
            workingSamples.Add(run.Working);
            if (workingSamples.Count % 4 == 0)
            {
                threads.Sample();
                if (run.FinishedCount != threadsBusyFinished)
                    (threadsBusy, threadsBusyAt, threadsBusyFinished) = (threads.Total, Stopwatch.GetTimestamp(), run.FinishedCount);
            }
            if (run.FinishedCount != lastFinished)
                (lastFinished, lastProgress) = (run.FinishedCount, Stopwatch.GetTimestamp());
            if (Stopwatch.GetElapsedTime(lastPrint).TotalSeconds >= 10)
            {
                lastPrint = Stopwatch.GetTimestamp();
                output.WriteLine(Invariant($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0} s: {run.FinishedCount,5} finished, {run.Working,3}/{slots} slots working, RSS {Mb(app.ResidentBytes())} MB"));
            }
            // The first item takes a freshly started server's warm-up as well as its work: a short idle wait starts with it.
            var idleLimit = lastFinished == 0 ? Max(giveUpWithoutProgress, FirstItemWait) : giveUpWithoutProgress;
            if (Stopwatch.GetElapsedTime(started) > GiveUpAfter || Stopwatch.GetElapsedTime(lastProgress) > idleLimit)
            {
                output.WriteLine(Invariant($"gave up: {run.FinishedCount} of {items} finished after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s"));
                break;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = app.ProcessorTime() - cpuBefore;
        // A run that ended with its last item finished ended within a second of the loop's last reading of the threads.
        threads.Sample();
        if (run.FinishedCount != threadsBusyFinished)
            (threadsBusy, threadsBusyAt) = (threads.Total, Stopwatch.GetTimestamp());
        // The agents run in this process, on the same cores: what they cost is what the server could not have.
        var clientCpu = Environment.CpuUsage.TotalTime - clientCpuBefore;
        var databaseCpu = onPostgres ? PostgresCpu.Total() - databaseCpuBefore : (TimeSpan?)null;
        var rssEnd = app.ResidentBytes();
        await stopping.CancelAsync();
        await Task.WhenAll(running);
        await creating;
        await tracing;
        // The list answers at most 1,000 items: count what is not done, which should be nothing.
        var notDone = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var state in new[] { WorkItemStates.Backlog, WorkItemStates.Ready, WorkItemStates.Assigned, WorkItemStates.InProgress, WorkItemStates.InReview, WorkItemStates.Stalled, WorkItemStates.Failed, WorkItemStates.Cancelled })
        {
            var left = await human.ListWorkItemsAsync(group.Id, state);
            if (left.Count == 0)
                continue;
            notDone[state] = left.Count;
            foreach (var ask in left.GroupBy(item => item.Title?.Split(" (#")[0]).OrderByDescending(asked => asked.Count()).Take(5))
            {
                // A held item waits for a person by design (the swarm has none); say so, with the margin that held it.
                var held = ask.Select(HeldConfidence).Where(confidence => confidence is not null).ToList();
                var why = held.Count == 0 ? "" : Invariant($", {held.Count} held for a person (confidence {string.Join(", ", held.Select(c => c!.Value.ToString("0.000", CultureInfo.InvariantCulture)))})");
                output.WriteLine(Invariant($"  left {state}: {ask.Count()} × \"{ask.Key}\"{why}"));
            }
        }

        var done = items - notDone.Values.Sum();

        Report(output, run, items, slots, elapsed, (cpu, clientCpu), workingSamples, started, preload);
        WriteThreads(output, threads, threadsBefore, threadsBusy, Stopwatch.GetElapsedTime(started, threadsBusyAt));

        if (databaseCpu is { } postgresCpu)
            output.WriteLine(Invariant($"PostgreSQL's processes (on the same cores): {postgresCpu.TotalSeconds:0} s = {postgresCpu.TotalSeconds / elapsed.TotalSeconds:0.00} cores, {postgresCpu.TotalMilliseconds / Math.Max(1, run.FinishedCount):0.0} ms an item finished"));
        if (perMinute > 0)
        {
            // A steady feed is a server's normal day; its first seconds are not (300 agents' first calls and cards read at once,
            // the JIT still compiling): the same figures for what began after them, beside the whole run's.
            var warmUp = TimeSpan.FromSeconds(IntOption(args, "--warm-up-seconds", WarmUpSeconds));
            var since = started + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var waited = run.CreatedToAcceptedMilliseconds(since);
            output.WriteLine(Invariant($"from {warmUp.TotalSeconds:0} s on: {Waits("item created → accepted", waited, "items")}"));
            output.WriteLine();
            run.Calls.WriteTable(output, since);
            output.WriteLine();
        }

        // --timeline-seconds N: the agents' and the orchestrator's calls (long polls aside: they wait by design) in 2 s steps
        // over the first N seconds, to see where in a run its tails come from.
        if (IntOption(args, "--timeline-seconds", 0) is > 0 and var timeline)
        {
            output.WriteLine(Invariant($"calls by when they began, first {timeline} s (long polls aside):"));
            run.Calls.WriteTimeline(output, started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(timeline), except: "pull (long poll)");
            output.WriteLine();
            WriteRefillTimeline(output, run, started, TimeSpan.FromSeconds(5));
            output.WriteLine();
        }

        output.WriteLine(Invariant($"server RSS MB: before items {Mb(rssBefore)}, peak {Mb(rssPeak)}, end {Mb(rssEnd)}"));
        output.WriteLine(Invariant($"items done on the server: {done} of {items} ({string.Join(", ", notDone.Select(pair => $"{pair.Value} {pair.Key}"))}); agents' results accepted: {run.FinishedCount}; offers received: {run.OfferCount}"));
        output.WriteLine(Invariant($"errors: {run.Calls.FailureCount} failed calls; server log {app.Errors} errors, {app.Warnings} warnings"));
        foreach (var (what, count) in run.Calls.Failures.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            output.WriteLine(Invariant($"  {what}: {count}"));
        foreach (var problem in app.Problems.Take(10))
            output.WriteLine($"  log: {problem}");
        return done == items ? 0 : 1;
    }

    /// <summary>
    /// The server's threads from the agents' start to the last reading while items finished: the most thread-pool workers
    /// at once, and their time on a core and runnable without one (1 s a second is one thread waiting all the time).
    /// </summary>
    private static void WriteThreads(TextWriter output, ServerThreads threads, (TimeSpan Ran, TimeSpan Waited) before, (TimeSpan Ran, TimeSpan Waited) busy, TimeSpan span)
    {
        if (!threads.Readable || span <= TimeSpan.Zero)
        {
            output.WriteLine("server threads: unavailable (no /proc/PID/task/*/schedstat, or no item finished)");
            return;
        }

        var (ran, waited) = (busy.Ran - before.Ran, busy.Waited - before.Waited);
        output.WriteLine(Invariant($"server threads: {(threads.MostPoolWorkers == 0 ? "no thread-pool worker found by its name" : $"{threads.MostPoolWorkers} thread-pool workers at most")}; over the {span.TotalSeconds:0} s while items finished, on a core {ran.TotalSeconds:0.0} s and runnable waiting for one {waited.TotalSeconds:0.0} s ({waited.TotalSeconds / span.TotalSeconds:0.0} threads waiting at a time, on average)"));
    }

    /// <summary>The freed slots' waits by when they were refilled, in steps: whether a run's tail is its first fill or all along.</summary>
    private static void WriteRefillTimeline(TextWriter output, SwarmRun run, long started, TimeSpan step)
    {
        output.WriteLine(Invariant($"freed slot → next offer, by when the offer came ({step.TotalSeconds:0} s steps):"));
        output.WriteLine("| from s | refills | p50 ms | p99 ms | max ms |");
        output.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var group in run.Refills
                     .GroupBy(refill => (int)(Stopwatch.GetElapsedTime(started, refill.RefilledAt) / step))
                     .OrderBy(group => group.Key))
        {
            var waits = group.Select(refill => refill.Milliseconds).Order().ToList();
            output.WriteLine(Invariant($"| {group.Key * step.TotalSeconds:0} | {waits.Count} | {CallRecorder.Milliseconds(waits, 0.5)} | {CallRecorder.Milliseconds(waits, 0.99)} | {CallRecorder.Milliseconds(waits, 1)} |"));
        }
    }

    private static void Report(TextWriter output, SwarmRun run, int items, int slots, TimeSpan elapsed, (TimeSpan Server, TimeSpan Client) cpu, List<int> workingSamples, long started, bool preloaded)
    {
        var finished = run.FinishedAt.Select(at => Stopwatch.GetElapsedTime(started, at).TotalSeconds).ToList();
        var overall = finished.Count / elapsed.TotalSeconds;
        var middle = finished.Count >= 10
            ? 0.8 * finished.Count / (finished[(int)(0.9 * finished.Count) - 1] - finished[(int)(0.1 * finished.Count)])
            : double.NaN;
        output.WriteLine();
        output.WriteLine(Invariant($"finished {finished.Count} items in {elapsed.TotalSeconds:0.0} s: {overall:0.0} items/s overall, {middle:0.0} items/s from 10 % to 90 %"));
        output.WriteLine(Invariant($"slots working on average: {workingSamples.DefaultIfEmpty().Average() / slots:P1} of {slots}; server CPU {cpu.Server.TotalSeconds:0} s = {cpu.Server.TotalSeconds / elapsed.TotalSeconds:0.00} cores, {cpu.Server.TotalMilliseconds / Math.Max(1, finished.Count):0.0} ms an item finished; the agents' client (this process) {cpu.Client.TotalSeconds:0} s = {cpu.Client.TotalSeconds / elapsed.TotalSeconds:0.00} cores"));
        var refill = run.RefillMilliseconds;
        output.WriteLine(Waits("freed slot → next offer", refill, "refills"));
        // Preloaded, every item waited for the agents to join: the figure would measure the set-up, not the coordinator.
        var waited = run.CreatedToAcceptedMilliseconds();
        if (!preloaded)
            output.WriteLine(Waits("item created → accepted", waited, "items"));
        output.WriteLine();
        run.Calls.WriteTable(output);
        output.WriteLine();
    }

    /// <summary>
    /// A group of its own with <paramref name="shape"/>'s agents ("AGENTS:ITEMS") worked until its items are done or nothing
    /// finishes for 10 s; its agents then stop asking (they stay online in their group until their heartbeats lapse). A server
    /// that exits meanwhile ends the benchmark here, with its exit code, rather than at the measured swarm's first call.
    /// </summary>
    private static async Task WarmUpAsync(AppProcess app, HttpClient http, ClawApiClient human, string shape, TextWriter output)
    {
        var parts = shape.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var agents) || agents < 1
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var items) || items < 1)
            throw new ArgumentException($"--warm-group takes AGENTS:ITEMS, both at least 1 (60:1000, say), not '{shape}'");
        var clock = Stopwatch.StartNew();
        var group = await human.CreateGroupAsync(new CreateGroup("Warm-up", "a warm-up before the measured swarm", RequireReview: false));
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 120, MaxUses: agents));
        var run = new SwarmRun();
        await CreateItemsAsync(human, group.Id, items, run);
        var swarm = await RegisterAsync(http, join.Token, agents, run);
        using var stopping = new CancellationTokenSource();
        var running = swarm.Select(agent => agent.RunAsync(stopping.Token)).ToList();
        var lastFinished = (Count: 0, At: Stopwatch.GetTimestamp());
        while (run.FinishedCount < items && Stopwatch.GetElapsedTime(lastFinished.At) < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(250);
            if (app.HasExited)
                throw new InvalidOperationException(Invariant($"the server exited with {app.ExitCode} during the warm-up, {run.FinishedCount} of {items} items finished"));
            if (run.FinishedCount != lastFinished.Count)
                lastFinished = (run.FinishedCount, Stopwatch.GetTimestamp());
        }

        await stopping.CancelAsync();
        await Task.WhenAll(running);
        output.WriteLine(Invariant($"warm-up: {agents} agents of their own group finished {run.FinishedCount} of {items} items in {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    private static async Task<List<SwarmAgent>> RegisterAsync(HttpClient http, string joinToken, int count, SwarmRun run)
    {
        var anonymous = new ClawApiClient(http);
        var agents = new SwarmAgent[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            // 2 and 3 slots in turn: 300 agents hold 750 slots, as in the outside view.
            var capacity = i % 2 == 0 ? 2 : 3;
            var card = SwarmAsks.Card(i, AgentDelivery.Pull, capacity);
            var registration = await run.Calls.TimeAsync("register", () => anonymous.RegisterAgentAsync(joinToken, card, ct));
            agents[i] = new SwarmAgent(anonymous.WithToken(registration.ApiKey), registration.AgentId, capacity, run);
        });
        return [.. agents];
    }

    /// <summary>The swarm's items, created by 8 concurrent callers.</summary>
    private static async Task CreateItemsAsync(ClawApiClient human, string groupId, int count, SwarmRun run)
    {
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) => await CreateItemAsync(human, groupId, i, run, ct));
    }

    /// <summary>The swarm's items, the i-th sent at i / <paramref name="perMinute"/> minutes, however long the ones before take.</summary>
    private static async Task CreateItemsSteadilyAsync(ClawApiClient human, string groupId, int count, int perMinute, SwarmRun run)
    {
        var start = Stopwatch.GetTimestamp();
        var sending = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromMinutes((double)i / perMinute) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            sending.Add(CreateItemAsync(human, groupId, i, run, CancellationToken.None));
        }

        await Task.WhenAll(sending);
    }

    private static async Task CreateItemAsync(ClawApiClient human, string groupId, int i, SwarmRun run, CancellationToken cancellationToken)
        => await Quietly(async () =>
        {
            var item = await run.Calls.TimeAsync("create item (human)", () => human.CreateWorkItemAsync(groupId, SwarmAsks.Item(i), cancellationToken));
            run.Created(item.Id);
            return item;
        });

    /// <summary>A wait's count and percentiles on one line: "what (N unit): p50 … ms, p95 …, p99 …, max …".</summary>
    private static string Waits(string what, IReadOnlyList<double> sorted, string unit) =>
        Invariant($"{what} ({sorted.Count} {unit}): p50 {P(sorted, 0.5)} ms, p95 {P(sorted, 0.95)} ms, p99 {P(sorted, 0.99)} ms, max {P(sorted, 1)} ms");

    private static string P(IReadOnlyList<double> sorted, double fraction) => CallRecorder.Milliseconds(sorted, fraction);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static long Mb(long bytes) => bytes / (1024 * 1024);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The routing margin of an item held for a person (its view's <c>routing</c>), or null when it is not held.</summary>
    private static double? HeldConfidence(WorkItem item)
        => item.Extra is { } extra && extra.TryGetValue("routing", out var routing) && routing.ValueKind == JsonValueKind.Object
           && routing.TryGetProperty("confidence", out var confidence) ? confidence.GetDouble() : null;
}
