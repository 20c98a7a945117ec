using System.Globalization;
using ClawGroups.Benchmarks;
using ClawGroups.Benchmarks.AgentCalls;
using ClawGroups.Benchmarks.Allocations;
using ClawGroups.Benchmarks.Circuits;
using ClawGroups.Benchmarks.Overnight;
using ClawGroups.Benchmarks.Soak;
using ClawGroups.Benchmarks.SqliteGiveBack;
using ClawGroups.Benchmarks.Swarm;

// dotnet run -c Release --project tests/ClawGroups.Benchmarks -- assignment [--small]
if (args.Length > 0 && args[0] == "assignment")
{
    return AssignmentBenchmark.Run(Console.Out, small: args.Contains("--small"));
}

if (args.Length > 0 && args[0] == "assignment-db")
{
    return await AssignmentPassBenchmark.RunAsync(Console.Out, small: args.Contains("--small"), only: BenchmarkArgs.Options(args, "--only").LastOrDefault(),
        setBasedFrom: BenchmarkArgs.Options(args, "--set-based-from").Select(n => int.Parse(n, CultureInfo.InvariantCulture)).Cast<int?>().LastOrDefault(),
        history: BenchmarkArgs.Options(args, "--history").Select(n => int.Parse(n, CultureInfo.InvariantCulture)).LastOrDefault());
}

if (args.Length > 0 && args[0] == "trackrecord")
{
    return await TrackRecordBenchmark.RunAsync(Console.Out);
}

if (args.Length > 0 && args[0] == "live")
{
    return await LiveUpdateBenchmark.RunAsync(Console.Out);
}

if (args.Length > 0 && args[0] == "alloc-report" && args.Length > 1)
{
    return AllocationTrace.Report(Console.Out, args[1], BenchmarkArgs.IntOption(args, "--top", 40), largeOnly: args.Contains("--large"));
}

if (args.Length > 0 && args[0] == "swarm")
{
    return await SwarmBenchmark.RunAsync(Console.Out, args);
}

if (args.Length > 0 && args[0] == "agent-calls")
{
    return await AgentCallsBenchmark.RunAsync(Console.Out, args);
}

if (args.Length > 0 && args[0] == "soak")
{
    return await SoakBenchmark.RunAsync(Console.Out, args);
}

if (args.Length > 0 && args[0] == "overnight")
{
    return await OvernightBenchmark.RunAsync(Console.Out, args);
}

if (args.Length > 0 && args[0] == "circuits")
{
    return await CircuitsBenchmark.RunAsync(Console.Out, args);
}

if (args.Length > 0 && args[0] == "sqlite-rows")
{
    return await ClawGroups.Benchmarks.SqliteRows.SqliteRowsBenchmark.RunAsync(Console.Out);
}

if (args.Length > 0 && args[0] == "sqlite-give-back")
{
    return await GiveBackBenchmark.RunAsync(Console.Out);
}

if (args.Length > 0 && args[0] == "job-latency")
{
    return await JobLatencyBenchmark.RunAsync(Console.Out);
}

if (args.Length == 5 && args[0] == "job-latency-worker")
{
    return JobLatencyBenchmark.RunWorker(
        args[1], args[2], TimeSpan.FromMilliseconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)), args[4] == "long");
}

Console.Error.WriteLine("usage: ClawGroups.Benchmarks assignment [--small] | assignment-db [--small] [--only greedy|optimal|holds-off] [--set-based-from N] [--history N] | job-latency | live | trackrecord | swarm [--agents N] [--items N] [--preload | --per-minute N [--warm-up-seconds N]] [--postgres [--postgres-pool N]] [--idle-seconds N] [--timeline-seconds N] [--warm-group AGENTS:ITEMS] [--alloc-trace FILE] | alloc-report FILE [--top N] [--large] | agent-calls [--rounds N] [--preload] [--trace FILE] [--postgres] | soak [--agents N] [--items N] [--nodes N] [--minutes N | --preload] [--webhook F] [--slow F] [--silent F] [--failing F] | circuits [--circuits N] [--agents N] [--groups N] [--rate N] [--browsers N] [--seconds N] [--dump-reports DIR] | overnight [--agents N] [--items N] [--seconds N] | sqlite-give-back | sqlite-rows");
Console.Error.WriteLine("  assignment     candidate scoring, greedy and optimal solve at 300 × 4,000 and 3,000 × 40,000");
Console.Error.WriteLine("  assignment-db  one whole assignment pass against a throwaway PostgreSQL, greedy and optimal, 300 × 4,000");
Console.Error.WriteLine("  job-latency    enqueue → start of a Hangfire job across processes, polling against LISTEN/NOTIFY");
Console.Error.WriteLine("  swarm          the app as a process on its embedded default, 300 pull agents × 4,000 items of 1–3 s, seen from outside");
Console.Error.WriteLine("  agent-calls    database commands and their time per agent call (pull, accept, heartbeats, progress, result), from each answer's Server-Timing");
Console.Error.WriteLine("  circuits       300 boards open (light circuits + a few Chromium tabs) while 300 agents report 50/s: memory per circuit, event → browser");
Console.Error.WriteLine("  soak           agents of every kind (pull, webhook; slow, silent, failing) on N app nodes over one PostgreSQL, items fed in compressed time: lost, done twice, RSS, throughput, split");
Console.Error.WriteLine("  overnight      300 pull agents left alone under budgets, a tenth looping and a tenth failing, in compressed time: spend against each budget, offers to loopers and failers");
Console.Error.WriteLine("  trackrecord    a simulated month of a group whose members differ in reliability: first offers per week to the reliable member of each area");
Console.Error.WriteLine("  sqlite-give-back  what a writer that waited for the SQLite write gate pays for giving its connection back, against a one-row write");
Console.Error.WriteLine("  live           commit → live subscriber latency at 300 agents × 4,000 items, and the capture's cost to writers");
return 2;
