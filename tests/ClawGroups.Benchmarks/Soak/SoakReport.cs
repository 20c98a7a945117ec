using System.Diagnostics;
using ClawGroups.Benchmarks.Swarm;
using static ClawGroups.Benchmarks.Soak.SoakBenchmark;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>The soak's figures, each with what it counts; the bounds of issue 17 in brackets.</summary>
internal sealed class SoakReport(
    TextWriter output, SoakOptions options, SoakNodes nodes, SoakRun run, SoakLedger ledger, SoakWebhooks webhooks, long started, int slots)
{
    public void Write(string outcome, bool cutShort, TimeSpan elapsed, IReadOnlyList<TimeSpan> cpu)
    {
        output.WriteLine();
        output.WriteLine($"run: {outcome}");
        WriteLedger(cutShort);
        WriteThroughput(elapsed);
        WriteMemory();
        WriteSplit(cpu, elapsed);
        output.WriteLine();
        run.Calls.WriteTable(output);
        WriteErrors();
    }

    private void WriteLedger(bool cutShort)
    {
        var notDone = ledger.ItemsByState.Where(state => state.Key != "Done").Select(state => $"{state.Value} {state.Key}");
        output.WriteLine(Invariant($"items: {ledger.ItemsByState.Values.Sum()} in the database ({run.CreatedCount} answered 201), {ledger.Done} done; not done: {Join(notDone)}"));
        // An item still open when the run is cut short (time limit, a node gone) may yet be done; open when nothing has
        // moved for minutes, it is lost.
        output.WriteLine(!cutShort || ledger.Lost == 0
            ? Invariant($"  LOST {ledger.Lost} [0] (not done and not escalated, plus {ledger.MissingItemIds.Count} answered 201 and missing); escalated to a person after {options.MaxAttempts} attempts: {ledger.Escalated}")
            : Invariant($"  LOST not judged: the run stopped with {ledger.Lost} items open ({ledger.MissingItemIds.Count} answered 201 and missing); escalated to a person after {options.MaxAttempts} attempts: {ledger.Escalated}"));
        output.WriteLine(Invariant($"  DONE TWICE {ledger.DoneTwice} [0] (items with two Completed work attempts: {ledger.CompletedTwice}; with two work.result events: {ledger.ResultTakenTwice}); agents whose result the server took for an item already taken: {run.TakenTwice}"));
        output.WriteLine(Invariant($"  late results (the lease revoked first): {run.LateResults} answered 409 to agents, {ledger.LateResultsKept} kept on attempts for people; none taken"));
        output.WriteLine(Invariant($"  attempts ended: {Join(ledger.AttemptEndings.OrderByDescending(e => e.Value).Select(e => $"{e.Value} {e.Key}"))}; items done on a later attempt than their first: {ledger.DoneAfterAnotherAttempt}"));
        var watched = new[] { "agent.stalled", "work.stalled", "work.pinged", "agent.unreachable", "work.declined", "work.lateResult", "work.failed" };
        output.WriteLine(Invariant($"  trail: {Join(watched.Select(type => $"{ledger.TrailEvents.GetValueOrDefault(type)} {type}"))}"));
        output.WriteLine(Invariant($"  agents: {run.Silences} silences, {run.Declines} declines, {run.Revocations} runs stopped by a revocation; webhooks: {webhooks.Refused} refused while silent, {webhooks.Duplicates} duplicates, {webhooks.BadSignatures} bad signatures"));
        var lags = ledger.Webhooks.DeliveredAfterSeconds;
        output.WriteLine(Invariant($"  webhook messages: {ledger.Webhooks.Messages}, {lags.Count} delivered, written → delivered s p50 {Seconds(lags, 0.5)}, p99 {Seconds(lags, 0.99)}, max {Seconds(lags, 1)}; given up {ledger.Webhooks.GaveUp}; most Hangfire jobs waiting at once {nodes.MostJobsWaiting}"));
        var waits = ledger.CreatedToDoneSeconds;
        output.WriteLine(Invariant($"  created → done s: p50 {Seconds(waits, 0.5)}, p95 {Seconds(waits, 0.95)}, p99 {Seconds(waits, 0.99)}, max {Seconds(waits, 1)}"));
    }

    private void WriteThroughput(TimeSpan elapsed)
    {
        var created = Since(run.CreatedAt);
        var finished = Since(run.FinishedAt);
        var interval = Math.Max(10, Math.Ceiling(elapsed.TotalSeconds / 20 / 10) * 10);
        output.WriteLine();
        output.WriteLine(Invariant($"| seconds | created /min | finished /min | open at end | RSS MB ({string.Join(" / ", Enumerable.Range(1, nodes.Count).Select(n => $"node {n}"))}) |"));
        output.WriteLine("|---|---:|---:|---:|---:|");
        for (var from = 0.0; from < elapsed.TotalSeconds; from += interval)
        {
            var to = Math.Min(from + interval, elapsed.TotalSeconds);
            var open = created.Count(at => at <= to) - finished.Count(at => at <= to);
            var sample = nodes.Samples.LastOrDefault(s => s.Seconds <= to);
            var memory = sample.Resident is null ? "–" : string.Join(" / ", sample.Resident.Select(Mb));
            output.WriteLine(Invariant($"| {from:0}–{to:0} | {60 * created.Count(at => at > from && at <= to) / (to - from):0} | {60 * SoakThroughput.Rate(finished, from, to):0} | {open} | {memory} |"));
        }

        var held = SoakThroughput.Measure(created, finished, slots);
        output.WriteLine(held is null
            ? "throughput end/start: too few items finished to say"
            : Invariant($"THROUGHPUT end/start {held.EndOverStart:0.00} [≥ 0.9]: {held.EndPerSecond:0.0} items/s in the last tenth of the steady part against {held.StartPerSecond:0.0} in its first (steady part {held.SteadyFrom:0}–{held.SteadyTo:0} s; overall {finished.Count / elapsed.TotalSeconds:0.0} items/s)"));
    }

    private void WriteMemory()
    {
        output.WriteLine();
        for (var node = 0; node < nodes.Count; node++)
        {
            var middle = nodes.ResidentMedian(node, 0.45, 0.55);
            var end = nodes.ResidentMedian(node, 0.9, 1.0);
            var peak = nodes.Samples.Count == 0 ? 0 : nodes.Samples.Max(s => s.Resident[node]);
            var first = nodes.Samples.Count == 0 ? 0 : nodes.Samples[0].Resident[node];
            output.WriteLine(Invariant(
                $"node {node + 1} RSS MB: first sample {Mb(first)}, middle {Mb(middle)}, end {Mb(end)}, peak {Mb(peak)}; RSS GROWTH over the last half {(double)end / middle - 1:+0.0%;-0.0%} [≤ +5 %]"));
        }
    }

    private void WriteSplit(IReadOnlyList<TimeSpan> cpu, TimeSpan elapsed)
    {
        var offers = nodes.OffersFromLogs();
        var totalOffers = Math.Max(1, offers.Sum(o => o.Offered));
        var totalCalls = Math.Max(1, run.CallsPerNode.Sum());
        output.WriteLine();
        output.WriteLine("| node | offers made (its passes' log lines) | passes | held for a person | agent calls served | CPU s (cores) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var node = 0; node < nodes.Count; node++)
        {
            var (offered, held, passes) = offers[node];
            output.WriteLine(Invariant(
                $"| {node + 1} | {offered} ({(double)offered / totalOffers:P0}) | {passes} | {held} | {run.CallsPerNode[node]} ({(double)run.CallsPerNode[node] / totalCalls:P0}) | {cpu[node].TotalSeconds:0} ({cpu[node].TotalSeconds / elapsed.TotalSeconds:0.00}) |"));
        }

        output.WriteLine(Invariant($"SPLIT: the node that made the fewest offers made {(double)offers.Min(o => o.Offered) / totalOffers:P0} of them [≥ 33 %]"));
    }

    private void WriteErrors()
    {
        output.WriteLine();
        output.WriteLine(Invariant($"failed calls: {run.Calls.FailureCount}"));
        foreach (var (what, count) in run.Calls.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
            output.WriteLine(Invariant($"  {what}: {count}, first: {run.Calls.FirstSaid.GetValueOrDefault(what)}"));
        for (var node = 0; node < nodes.Count; node++)
        {
            var app = nodes.Apps[node];
            output.WriteLine(Invariant($"node {node + 1} log: {app.Errors} errors, {app.Warnings} warnings ({nodes.LogPaths[node]})"));
            foreach (var problem in app.Problems.Take(8))
                output.WriteLine($"  {problem}");
        }
    }

    private List<double> Since(IReadOnlyList<long> timestamps) => [.. timestamps.Select(at => Stopwatch.GetElapsedTime(started, at).TotalSeconds).Order()];

    private static string Seconds(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? "–" : Invariant($"{CallRecorder.Percentile(sorted, fraction):0.0}");

    private static string Join(IEnumerable<string> parts)
    {
        var text = string.Join(", ", parts);
        return text.Length == 0 ? "none" : text;
    }
}
