using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Benchmarks.Swarm;
using ClawGroups.Testing.Apps;
using static ClawGroups.Benchmarks.BenchmarkArgs;
using static ClawGroups.Benchmarks.Swarm.QuietCalls;

namespace ClawGroups.Benchmarks.Overnight;

/// <summary>
/// A night of agents left alone, in compressed time (issue 15): the app as a process on its embedded default, 300 pull agents
/// of which a tenth loop (the same progress report, spend climbing) and a tenth fail every item (silent until stalled), a
/// backlog larger than the month's budget, a progress timeout of 5 s standing for a quarter of an hour. Reports the spend
/// against each budget and how much work the loopers and failers still got once the breakers had learned them.
/// </summary>
internal static class OvernightBenchmark
{
    private const decimal MonthlyUsd = 60m;
    private const decimal PerItemUsd = 0.5m;
    private const decimal PerAgentDailyUsd = 1.5m;

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<string> args)
    {
        ThreadPool.SetMinThreads(64, 64);
        var agentCount = IntOption(args, "--agents", 300);
        var itemCount = IntOption(args, "--items", 1500);
        var duration = TimeSpan.FromSeconds(IntOption(args, "--seconds", 120));
        var bootstrap = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ClawGroups__BootstrapToken"] = bootstrap,
            ["ClawGroups__Api__HumanRequestsPerMinute"] = "1000000",
            ["ClawGroups__Coordinator__ProgressTimeoutSeconds"] = "5",
            ["ClawGroups__Coordinator__StartGraceSeconds"] = "0",
            ["ClawGroups__Coordinator__SweepIntervalSeconds"] = "1",
            ["ClawGroups__Coordinator__Breakers__FailureStreak"] = "2",
            ["ClawGroups__Coordinator__Breakers__CooldownSeconds"] = "10",
            ["ClawGroups__Coordinator__Breakers__MaxCooldownSeconds"] = "600",
        };
        AddAppSettings(args, settings);
        await using var app = await AppProcess.StartAsync(new AppProcessOptions { Configuration = "Release", Build = true, Settings = settings }, output);
        output.WriteLine($"app on {app.Url} (pid {app.ProcessId}), embedded default (SQLite + in-process jobs)");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = app.Url, Timeout = TimeSpan.FromSeconds(60) };
        var human = new ClawApiClient(http, bootstrap);
        var group = await human.CreateGroupAsync(new CreateGroup("Overnight", "agents left alone", RequireReview: false));
        using (var owner = new HttpClient { BaseAddress = app.Url })
        {
            owner.DefaultRequestHeaders.Authorization = new("Bearer", bootstrap);
            using var patched = await owner.PatchAsJsonAsync($"/api/v1/groups/{group.Id}",
                new { budgets = new { monthlyUsd = MonthlyUsd, perItemUsd = PerItemUsd, perAgentDailyUsd = PerAgentDailyUsd } });
            patched.EnsureSuccessStatusCode();
        }

        await Parallel.ForAsync(0, itemCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await Quietly(() => human.CreateWorkItemAsync(group.Id, SwarmAsks.Item(i), ct)));
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 120, MaxUses: agentCount));
        var started = Stopwatch.GetTimestamp();
        var ledger = new OvernightLedger(started, duration);
        var agents = new OvernightAgent[agentCount];
        var anonymous = new ClawApiClient(http);
        await Parallel.ForAsync(0, agentCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var kind = (i % 10) switch { 0 => OvernightKind.Looping, 1 => OvernightKind.Failing, _ => OvernightKind.Honest };
            var registration = await anonymous.RegisterAgentAsync(join.Token, SwarmAsks.Card(i, AgentDelivery.Pull, 1), ct);
            agents[i] = new OvernightAgent(anonymous.WithToken(registration.ApiKey), registration.AgentId, kind, ledger);
        });
        output.WriteLine(Invariant($"{itemCount} items waiting; {agentCount} agents: {agents.Count(a => a.Kind == OvernightKind.Looping)} looping, {agents.Count(a => a.Kind == OvernightKind.Failing)} failing; budgets ${MonthlyUsd} a month, ${PerAgentDailyUsd} an agent a day, ${PerItemUsd} an item; running {duration.TotalSeconds:0} s"));

        using var stopping = new CancellationTokenSource();
        var running = agents.Select(a => a.RunAsync(stopping.Token)).ToList();
        var lastPrint = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < duration && !app.HasExited)
        {
            await Task.Delay(1000);
            if (Stopwatch.GetElapsedTime(lastPrint).TotalSeconds >= 15)
            {
                lastPrint = Stopwatch.GetTimestamp();
                var spent = await SpendAsync(human, group.Id);
                output.WriteLine(Invariant($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,4:0} s: {ledger.FinishedCount} done, spent ${spent.Total:0.00}"));
            }
        }

        await stopping.CancelAsync();
        await Task.WhenAll(running);
        var final = await SpendAsync(human, group.Id);
        var loopers = agents.Where(a => a.Kind == OvernightKind.Looping).ToList();
        var failers = agents.Where(a => a.Kind == OvernightKind.Failing).ToList();
        output.WriteLine();
        output.WriteLine(Invariant($"spent ${final.Total:0.00} of the ${MonthlyUsd} month ({final.Total / MonthlyUsd:P1}); most by one agent today ${final.MaxAgent:0.00} of ${PerAgentDailyUsd}; most on one item ${final.MaxItem:0.00} of ${PerItemUsd}"));
        output.WriteLine(Invariant($"items done {ledger.FinishedCount}; runs stopped by a budget {ledger.StoppedByBudgetCount}; runs taken back (stalled) {ledger.TakenBackCount}"));
        foreach (var kind in Enum.GetValues<OvernightKind>())
        {
            var count = agents.Count(a => a.Kind == kind);
            output.WriteLine(Invariant($"  offers to {kind.ToString().ToLowerInvariant()} agents: first half {ledger.Offers(kind, false)} ({(double)ledger.Offers(kind, false) / count:0.00} each), second half {ledger.Offers(kind, true)} ({(double)ledger.Offers(kind, true) / count:0.00} each)"));
        }

        output.WriteLine(Invariant($"most offers to one looping agent in the second half: {ledger.MostLateOffers(loopers)}; to one failing agent: {ledger.MostLateOffers(failers)}"));
        output.WriteLine(Invariant($"server log: {app.Errors} errors, {app.Warnings} warnings"));
        foreach (var problem in app.Problems.Take(5))
            output.WriteLine($"  log: {problem}");
        // The month holds to its line, with no allowance: MonthlyHeadroom keeps back what the runs under way are expected to
        // spend. An item or an agent's day may pass its line by the report that crossed it, where the hard stop ends the run.
        var withinBudgets = final.Total <= MonthlyUsd && final.MaxItem <= PerItemUsd + LoopReportStep && final.MaxAgent <= PerAgentDailyUsd + LargestReportStep;
        output.WriteLine(withinBudgets ? "within the budgets (the month to its line; an item or an agent's day to the report that crossed it)" : "OVER BUDGET");
        return withinBudgets ? 0 : 1;
    }

    /// <summary>What one report of a looping agent adds to its item's cost (only loopers reach an item's cap).</summary>
    private const decimal LoopReportStep = 0.05m;

    /// <summary>The most one report of any of the benchmark's agents adds to its day's cost: an honest result, at most $0.15.</summary>
    private const decimal LargestReportStep = 0.15m;

    private static async Task<(decimal Total, decimal MaxAgent, decimal MaxItem)> SpendAsync(ClawApiClient human, string groupId)
    {
        using var usage = JsonDocument.Parse((await human.SendAsync(HttpMethod.Get, $"/api/v1/groups/{groupId}/usage")).Body);
        var root = usage.RootElement;
        var budgets = root.GetProperty("budgets").EnumerateArray().ToList();
        decimal Max(string budget) => budgets.Where(b => b.GetProperty("budget").GetString() == budget).Select(b => b.GetProperty("spent").GetDecimal()).DefaultIfEmpty().Max();
        return (root.GetProperty("costUsd").GetDecimal(), Max("perAgentDailyUsd"), Max("perItemUsd"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
