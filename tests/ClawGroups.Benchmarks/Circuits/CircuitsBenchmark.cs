using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;
using ClawGroups.Testing.Apps;
using static ClawGroups.Benchmarks.BenchmarkArgs;

namespace ClawGroups.Benchmarks.Circuits;

/// <summary>
/// Many people watching (issue 17, part 4): the app as a process on its embedded default, 300 boards open (light circuits
/// that speak Blazor's protocol, and a few real Chromium tabs), 300 agents reporting progress at 50 a second in all.
/// Reports the server's memory per circuit and, in Chromium, the time from a report's send to its text in the page.
/// </summary>
internal static class CircuitsBenchmark
{
    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<string> args)
    {
        ThreadPool.SetMinThreads(64, 64);
        var circuits = IntOption(args, "--circuits", 300);
        var agentCount = IntOption(args, "--agents", 300);
        var groups = IntOption(args, "--groups", 10);
        var rate = IntOption(args, "--rate", 50);
        var browsers = IntOption(args, "--browsers", 3, minimum: 0);
        var seconds = IntOption(args, "--seconds", 60);
        var lightCircuits = Math.Max(0, circuits - browsers);
        var bootstrap = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ClawGroups__BootstrapToken"] = bootstrap,
            ["ClawGroups__Api__HumanRequestsPerMinute"] = "1000000",
        };
        AddAppSettings(args, settings);

        await using var app = await AppProcess.StartAsync(
            new AppProcessOptions { Configuration = "Release", Publish = true, Settings = settings, LogPath = Options(args, "--app-log").LastOrDefault() }, output);
        output.WriteLine(Invariant($"app on {app.Url} (pid {app.ProcessId}), embedded default; {circuits} boards ({lightCircuits} light circuits + {browsers} Chromium) over {groups} groups, {agentCount} agents, {rate} reports/s for {seconds} s"));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = app.Url, Timeout = TimeSpan.FromSeconds(60) };
        var owner = new ClawApiClient(http, bootstrap);
        var calls = new CallRecorder();

        // The people: one person signs up in Chromium (the instance's first account, who sees every group) and watches.
        await using var browser = await BrowserBoards.StartAsync();
        await browser.SignUpAsync(app.Url, "Watcher", "watcher@example.com", "Watching-the-swarm-17");
        var cookies = await browser.CookiesAsync(app.Url);

        // The groups, their agents and one item per agent, phrased so that the agent of that area is the clear choice.
        var profiles = SkillProfiles.Names.Order(StringComparer.Ordinal).Select(name => SkillProfiles.TryGet(name, out var card) ? card : null!).ToArray();
        var groupIds = new string[groups];
        var groupNames = new string[groups];
        var agents = new List<ReportingAgent>();
        var anonymous = new ClawApiClient(http);
        for (var g = 0; g < groups; g++)
        {
            groupNames[g] = $"Watched swarm {g + 1}";
            var group = await owner.CreateGroupAsync(new CreateGroup(groupNames[g], "Boards open while agents report", RequireReview: false));
            groupIds[g] = group.Id;
            var inGroup = agentCount / groups + (g < agentCount % groups ? 1 : 0);
            var join = await owner.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 120, MaxUses: inGroup));
            var registered = new ReportingAgent[inGroup];
            var groupIndex = g;
            await Parallel.ForAsync(0, inGroup, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var profile = profiles[i % profiles.Length];
                var card = profile with { Name = $"{profile.Name}-{groupIndex + 1}-{i + 1}", Delivery = AgentDelivery.Pull, Capacity = 1 };
                var registration = await calls.TimeAsync("register", () => anonymous.RegisterAgentAsync(join.Token, card, ct));
                registered[i] = new ReportingAgent(anonymous.WithToken(registration.ApiKey), registration.AgentId, groupIndex, calls);
                var ask = profile.Skills.SelectMany(skill => skill.Examples ?? []).First();
                await calls.TimeAsync("create item (human)", () => owner.CreateWorkItemAsync(group.Id, new CreateWorkItem($"{ask} (#{groupIndex + 1}.{i + 1})", $"Watched step {i + 1}: {ask.ToLowerInvariant()}."), ct));
            });
            agents.AddRange(registered);
        }

        using var stopping = new CancellationTokenSource();
        var running = agents.Select(agent => agent.RunAsync(stopping.Token)).ToList();
        var setup = Stopwatch.StartNew();
        while (agents.Count(a => a.ItemId is not null) < agents.Count && setup.Elapsed < TimeSpan.FromSeconds(90))
            await Task.Delay(500);
        var working = agents.Where(a => a.ItemId is not null).ToList();
        output.WriteLine(Invariant($"{working.Count} of {agents.Count} agents have accepted an item after {setup.Elapsed.TotalSeconds:0} s"));

        // (a) Memory per circuit, agents quiet: before and after opening the light circuits.
        // The agents' start (registration, first reads) settles before the baseline is read.
        await Task.Delay(5000);
        // --dump-reports DIR keeps the whole reports of the dumps before and after the boards opened, to compare them by type.
        var dumpReports = Options(args, "--dump-reports").LastOrDefault();
        var liveBefore = ServerMemory.LiveBytes(await ServerMemory.CollectAndReportAsync(app.ProcessId,
            fullReport: dumpReports is null ? null : Path.Combine(dumpReports, "before-boards.txt")));
        var rssBefore = await ServerMemory.ResidentMedianAsync(app);
        var heapBefore = await ServerMemory.GcHeapAfterLastCollectionAsync(app.ProcessId);
        output.WriteLine(Invariant($"before the boards: RSS {Mb(rssBefore)} MB, GC heap {Mb(heapBefore)} MB"));

        using var pages = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, MaxConnectionsPerServer = int.MaxValue }) { Timeout = TimeSpan.FromSeconds(60) };
        var open = new ConcurrentBag<BoardCircuit>();
        var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var opening = Stopwatch.StartNew();
        var openTimes = new ConcurrentBag<double>();
        await Parallel.ForAsync(0, lightCircuits, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var g = i % groups;
            var started = Stopwatch.GetTimestamp();
            try
            {
                open.Add(await BoardCircuit.OpenAsync(pages, cookies, new Uri(app.Url, $"groups/{groupIds[g]}"), groupNames[g], ct));
                openTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TimeoutException or IOException or Microsoft.AspNetCore.SignalR.HubException)
            {
                failures.AddOrUpdate(e.GetType().Name + ": " + e.Message.Split('\n')[0], 1, (_, n) => n + 1);
            }
        });
        var sortedOpen = openTimes.Order().ToList();
        output.WriteLine(Invariant($"opened {open.Count} of {lightCircuits} light circuits in {opening.Elapsed.TotalSeconds:0} s (each: p50 {P(sortedOpen, 0.5)} ms, p99 {P(sortedOpen, 0.99)} ms); {failures.Values.Sum()} failed"));
        foreach (var (what, times) in failures)
            output.WriteLine(Invariant($"  {times} × {what}"));

        // The circuits' first renders and their buffers settle before memory is read again.
        await Task.Delay(10_000);
        var biggest = await ServerMemory.CollectAndReportAsync(app.ProcessId,
            fullReport: dumpReports is null ? null : Path.Combine(dumpReports, "boards-open.txt"));
        var rssOpen = await ServerMemory.ResidentMedianAsync(app);
        var heapOpen = await ServerMemory.GcHeapAfterLastCollectionAsync(app.ProcessId);
        var count = Math.Max(1, open.Count);
        output.WriteLine(Invariant($"with {open.Count} boards open: RSS {Mb(rssOpen)} MB, GC heap {Mb(heapOpen)} MB"));
        output.WriteLine("the heap with the boards open, after a full collection (dotnet-gcdump report):");
        foreach (var line in biggest)
            output.WriteLine($"  {line}");
        output.WriteLine(Invariant($"memory per circuit, agents quiet: RSS {Kb((rssOpen - rssBefore) / count)} KB, GC heap {(heapOpen is null || heapBefore is null ? "–" : Kb((heapOpen.Value - heapBefore.Value) / count))} KB"));
        // What the dump itself found alive, which the runtime's heap size after the collection rounds up by whatever the
        // collector kept reserved; and the components the circuits hold, which is most of what a circuit costs.
        var liveOpen = ServerMemory.LiveBytes(biggest);
        var components = ServerMemory.Components(biggest);
        output.WriteLine(Invariant($"  live objects per circuit (dotnet-gcdump): {(liveOpen is null || liveBefore is null ? "–" : Kb((liveOpen.Value - liveBefore.Value) / count))} KB; components per circuit: {(components is null ? "–" : (components.Value / (double)count).ToString("0", CultureInfo.InvariantCulture))}"));

        // (b) Event → browser: a few real tabs, then the agents report at the set rate.
        for (var b = 0; b < browsers; b++)
            await browser.OpenBoardAsync(new Uri(app.Url, $"groups/{groupIds[b % groups]}"), groupNames[b % groups]);
        var sampled = Enumerable.Range(0, Math.Min(browsers, groups)).ToHashSet();

        var sent = new ConcurrentDictionary<string, (int Group, double SentAtUnixMs)>(StringComparer.Ordinal);
        var seen = new Dictionary<string, double>(StringComparer.Ordinal);
        var clock = UnixClock.Start();
        var batchesBefore = open.Sum(c => c.Batches);
        var bytesBefore = open.Sum(c => c.Bytes);
        var cpuBefore = app.ProcessorTime();
        var reporting = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        // When the server answered each accepted report: it had committed by then, so answer → page is the live path alone.
        var answered = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        async Task AnsweredAsync(string message, Task<bool> report)
        {
            if (await report)
                answered[message] = clock.NowUnixMs();
        }

        var rssPeak = 0L;
        var nextDrain = TimeSpan.FromSeconds(2);
        for (var n = 0; reporting.Elapsed < TimeSpan.FromSeconds(seconds); n++)
        {
            var due = TimeSpan.FromSeconds((double)n / rate);
            if (due > reporting.Elapsed)
                await Task.Delay(due - reporting.Elapsed);
            var agent = working[n % working.Count];
            var message = $"r{n}";
            sent[message] = (agent.Group, clock.NowUnixMs());
            inFlight.Add(AnsweredAsync(message, agent.ReportAsync(message, stopping.Token)));
            if (reporting.Elapsed >= nextDrain)
            {
                nextDrain += TimeSpan.FromSeconds(2);
                rssPeak = Math.Max(rssPeak, app.ResidentBytes());
                foreach (var (text, at) in await browser.DrainAsync())
                    seen.TryAdd(text, at);
            }
        }

        var elapsed = reporting.Elapsed;
        await Task.WhenAll(inFlight);
        var cpu = app.ProcessorTime() - cpuBefore;
        await ServerMemory.CollectAndReportAsync(app.ProcessId, types: 0);
        var rssRunning = await ServerMemory.ResidentMedianAsync(app);
        var heapRunning = await ServerMemory.GcHeapAfterLastCollectionAsync(app.ProcessId);
        foreach (var (text, at) in await browser.DrainAsync())
            seen.TryAdd(text, at);
        await stopping.CancelAsync();
        await Task.WhenAll(running);

        var expected = sent.Where(pair => sampled.Contains(pair.Value.Group)).ToList();
        var latencies = expected.Where(pair => seen.ContainsKey(pair.Key)).Select(pair => seen[pair.Key] - pair.Value.SentAtUnixMs).Order().ToList();
        var afterAnswer = expected.Where(pair => seen.ContainsKey(pair.Key) && answered.ContainsKey(pair.Key))
            .Select(pair => seen[pair.Key] - answered[pair.Key]).Order().ToList();
        var batches = open.Sum(c => c.Batches) - batchesBefore;
        var bytes = open.Sum(c => c.Bytes) - bytesBefore;
        output.WriteLine();
        output.WriteLine(Invariant($"sent {sent.Count} progress reports in {elapsed.TotalSeconds:0.0} s ({sent.Count / elapsed.TotalSeconds:0.0}/s) on {working.Count} items"));
        output.WriteLine(Invariant($"event → browser, {browsers} Chromium boards: {latencies.Count} of {expected.Count} reports on their boards seen; p50 {P(latencies, 0.5)} ms, p95 {P(latencies, 0.95)} ms, p99 {P(latencies, 0.99)} ms, max {P(latencies, 1)} ms"));
        output.WriteLine(Invariant($"  answer → browser (the server had committed: the live path alone): p50 {P(afterAnswer, 0.5)} ms, p95 {P(afterAnswer, 0.95)} ms, p99 {P(afterAnswer, 0.99)} ms; {expected.Count(pair => answered.ContainsKey(pair.Key))} of those reports accepted"));
        output.WriteLine(Invariant($"light circuits: {open.Count(c => c.IsConnected)} of {open.Count} still connected; {batches:N0} render batches ({bytes / 1024:N0} KB) = {batches / elapsed.TotalSeconds / count:0.0} per circuit per second"));
        output.WriteLine(Invariant($"with agents reporting: RSS {Mb(rssRunning)} MB (peak sampled {Mb(rssPeak)} MB), GC heap {Mb(heapRunning)} MB; per circuit over the quiet baseline: RSS {Kb((rssRunning - rssBefore) / count)} KB, GC heap {(heapRunning is null || heapBefore is null ? "–" : Kb((heapRunning.Value - heapBefore.Value) / count))} KB"));
        output.WriteLine(Invariant($"server CPU while reporting: {cpu.TotalSeconds / elapsed.TotalSeconds:0.00} cores"));
        output.WriteLine();
        output.WriteLine("| call | count | p50 ms | p95 ms | p99 ms | max ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (endpoint, sorted) in calls.Endpoints())
            output.WriteLine(Invariant($"| {endpoint} | {sorted.Count:N0} | {P(sorted, 0.5)} | {P(sorted, 0.95)} | {P(sorted, 0.99)} | {P(sorted, 1)} |"));
        output.WriteLine(Invariant($"errors: {calls.FailureCount} failed calls; server log {app.Errors} errors, {app.Warnings} warnings"));
        foreach (var (what, n) in calls.Failures.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            output.WriteLine(Invariant($"  {what}: {n}"));
        foreach (var problem in app.Problems.Take(10))
            output.WriteLine($"  log: {problem}");

        foreach (var circuit in open)
            await circuit.DisposeAsync();
        return 0;
    }

    /// <summary>Wall-clock milliseconds with the stopwatch's resolution, comparable with Chromium's timeOrigin + now().</summary>
    private sealed class UnixClock
    {
        private readonly double _startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        private readonly long _started = Stopwatch.GetTimestamp();

        public static UnixClock Start() => new();

        public double NowUnixMs() => _startUnixMs + Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
    }

    private static string P(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? "–" : CallRecorder.Percentile(sorted, fraction).ToString("0", CultureInfo.InvariantCulture);

    private static string Mb(long? bytes) => bytes is null ? "–" : (bytes.Value / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture);

    private static string Kb(long bytes) => (bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
