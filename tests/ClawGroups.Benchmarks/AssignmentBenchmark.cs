using System.Diagnostics;
using System.Globalization;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Benchmarks;

/// <summary>
/// Times candidate scoring and the two solvers on seeded synthetic groups, and compares what they assign. One timed
/// run per figure after a warm-up on a small group; the figures are wall-clock milliseconds.
/// </summary>
internal static class AssignmentBenchmark
{
    private static readonly int[] PruneSizes = [8, 16, 32];

    /// <summary>The auction's shortlists at 40,000 items: few per item, many per agent (decision 0022).</summary>
    private static readonly (int PerItem, int PerAgent)[] AuctionLists = [(8, 128), (8, 256)];

    /// <summary>Run to the end, then stopped once proven within 0.1 % (the pass's setting) and 1 % of the best.</summary>
    private static readonly double[] ProvenGaps = [AuctionAssignment.ExactGap, 1e-3, 1e-2];

    public static int Run(TextWriter output, bool small)
    {
        var areas = SkillArea.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "areas.txt")));
        output.WriteLine(Invariant($"assignment benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, seeded"));
        Full(TextWriter.Null, areas, 30, 400);
        Full(output, areas, small ? 30 : 300, small ? 400 : 4_000);
        Streamed(output, areas, small ? 300 : 3_000, small ? 4_000 : 40_000);
        return 0;
    }

    /// <summary>Every pair scored by <see cref="AssignmentCandidates.Score"/>, solved whole and pruned.</summary>
    private static void Full(TextWriter output, IReadOnlyList<SkillArea> areas, int agentCount, int itemCount)
    {
        var group = SyntheticGroup.Create(areas, agentCount, itemCount, seed: 11);
        var spare = group.SpareCapacity();
        output.WriteLine();
        output.WriteLine(Invariant($"## {agentCount:N0} agents × {itemCount:N0} ready items, {spare.Sum():N0} slots: every pair listed"));
        var clock = Stopwatch.StartNew();
        var candidates = AssignmentCandidates.Score(group.Items, group.Agents, new Dictionary<Guid, int>(), new LexicalSkillModel(), CancellationToken.None);
        output.WriteLine(Invariant($"candidate scoring (lexical, AssignmentCandidates.Score): {clock.ElapsedMilliseconds:N0} ms, {candidates.Count:N0} candidates"));
        output.WriteLine();
        Header(output);
        var greedy = Solve(output, "greedy", candidates, spare, itemCount, GreedyAssignment.Choose, null);
        var optimal = Solve(output, "optimal, most items", candidates, spare, itemCount, OptimalAssignment.Choose, greedy);
        Solve(output, "optimal, highest score", candidates, spare, itemCount,
            (c, s, n) => OptimalAssignment.Choose(c, s, n, AssignmentObjective.HighestScore), greedy);
        var auction = Solve(output, "auction (decision 0022), every pair", candidates, spare, itemCount, AuctionAssignment.Choose, greedy);
        output.WriteLine(Invariant($"| ↳ vs optimal on every pair | | {(double)auction.Items / optimal.Items:0.0000} | {auction.Score / optimal.Score:0.0000} | |"));
        clock.Restart();
        var passList = CandidatePruning.TopPerItemAndAgent(candidates, 16, 128);
        var passPrune = clock.Elapsed.TotalMilliseconds;
        var passResult = Solve(output, $"auction, top 16/item + 128/agent as the pass prunes ({passList.Count:N0} pairs, +{passPrune:N0} ms prune)", passList, spare, itemCount, AuctionAssignment.Choose, greedy);
        output.WriteLine(Invariant($"| ↳ vs optimal on every pair | | {(double)passResult.Items / optimal.Items:0.0000} | {passResult.Score / optimal.Score:0.0000} | |"));
        foreach (var k in PruneSizes)
        {
            foreach (var perAgent in (int[])[0, k])
            {
                clock.Restart();
                var pruned = CandidatePruning.TopPerItemAndAgent(candidates, k, perAgent);
                var prune = clock.Elapsed.TotalMilliseconds;
                var name = perAgent == 0 ? $"top {k}/item" : $"top {k}/item + {perAgent}/agent";
                var result = Solve(output, $"optimal, {name} ({pruned.Count:N0} pairs, +{prune:N0} ms prune)", pruned, spare, itemCount, OptimalAssignment.Choose, greedy);
                output.WriteLine(Invariant($"| ↳ vs optimal on every pair | | {(double)result.Items / optimal.Items:0.0000} | {result.Score / optimal.Score:0.0000} | |"));
            }
        }
    }

    /// <summary>
    /// Too many pairs to list (3,000 × 40,000 = 120 M): lexical affinities a chunk of items at a time, each pair's
    /// score computed as <see cref="AssignmentCandidates.Score"/> does, streamed into shortlists; the auction's bound is
    /// then proven on every pair by streaming them all again.
    /// </summary>
    private static void Streamed(TextWriter output, IReadOnlyList<SkillArea> areas, int agentCount, int itemCount)
    {
        var group = SyntheticGroup.Create(areas, agentCount, itemCount, seed: 12);
        var spare = group.SpareCapacity();
        output.WriteLine();
        output.WriteLine(Invariant($"## {agentCount:N0} agents × {itemCount:N0} ready items, {spare.Sum():N0} slots: streamed, never listed"));
        var pairs = new PairStream(group);
        var shortlist = new CandidateShortlist(itemCount, PruneSizes[^1], agentCount, PruneSizes[^1]);
        var auctionLists = AuctionLists.Select(k => new CandidateShortlist(itemCount, k.PerItem, agentCount, k.PerAgent)).ToList();
        var clock = Stopwatch.StartNew();
        var allowed = pairs.ForEach((item, agent, score) =>
        {
            shortlist.Offer(item, agent, score);
            foreach (var list in auctionLists)
            {
                list.Offer(item, agent, score);
            }
        });
        var total = clock.Elapsed.TotalMilliseconds;
        Func<int, int, double, AssignmentCandidate> create = (item, agent, score) => new AssignmentCandidate(item, agent, score, score, 0.5);
        var kept = shortlist.ToCandidates(create);
        output.WriteLine(Invariant($"candidate scoring: {total:N0} ms for {allowed:N0} allowed pairs (lexical affinities {pairs.LexicalMs:N0} ms, {allowed / (pairs.LexicalMs / 1000) / 1e6:0.0} M pairs/s), streamed into {1 + AuctionLists.Length} shortlists; {kept.Count:N0} pairs in the old {PruneSizes[^1]} + {PruneSizes[^1]}"));
        output.WriteLine();
        output.WriteLine("| solver | solve ms | slots filled / slots | total score | × old optimal | allocated |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        var greedy = Solve(output, $"greedy, top {PruneSizes[^1]}/item + {PruneSizes[^1]}/agent ({kept.Count:N0} pairs)", kept, spare, itemCount, GreedyAssignment.Choose, null, slots: true);
        var old = Solve(output, $"old optimal (min-cost flow), top {PruneSizes[^1]}/item + {PruneSizes[^1]}/agent", kept, spare, itemCount, OptimalAssignment.Choose, null, slots: true);
        var outcomes = new List<(string Name, Result Result, AuctionOutcome Outcome)>();
        for (var k = 0; k < AuctionLists.Length; k++)
        {
            var list = auctionLists[k].ToCandidates(create);
            foreach (var gap in ProvenGaps)
            {
                AuctionOutcome? outcome = null;
                var name = Invariant($"top {AuctionLists[k].PerItem}/item + {AuctionLists[k].PerAgent}/agent, {GapName(gap)}");
                var result = Solve(output, $"auction, {name} ({list.Count:N0} pairs)", list, spare, itemCount, (c, s, n) =>
                {
                    outcome = AuctionAssignment.Solve(c, s, n, gap);
                    return outcome.Chosen;
                }, old, slots: true);
                outcomes.Add((name, result, outcome!));
            }
        }

        clock.Restart();
        var bounds = outcomes.Select(o => new AssignmentBound(o.Outcome.AgentPrices, spare, itemCount)).ToList();
        pairs.ForEach((item, agent, score) =>
        {
            foreach (var bound in bounds)
            {
                bound.Offer(item, agent, score);
            }
        });
        output.WriteLine();
        output.WriteLine(Invariant($"Bounds proven on all {allowed:N0} allowed pairs (streamed again, {clock.ElapsedMilliseconds:N0} ms): Σ items max(0, best score − agent price) + Σ agents spare × price, from each auction's prices."));
        output.WriteLine();
        output.WriteLine("| auction on | auctioned | total score | bound on its shortlist where it stopped | proven bound | score / bound | greedy / bound | old optimal / bound |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var ((name, result, outcome), bound) in outcomes.Zip(bounds))
        {
            var b = bound.Total;
            var stopped = outcome.ProvenBound is { } shortlistBound ? Invariant($"{shortlistBound:N2}") : "ran to the end";
            output.WriteLine(Invariant($"| {name} | {outcome.Auctioned} | {result.Score:N2} | {stopped} | {b:N2} | {result.Score / b:0.0000} | {greedy.Score / b:0.0000} | {old.Score / b:0.0000} |"));
        }
    }

    private static void Header(TextWriter output)
    {
        output.WriteLine("| solver | solve ms | items assigned (× greedy) | total score (× greedy) | allocated |");
        output.WriteLine("|---|---:|---:|---:|---:|");
    }

    private static Result Solve(
        TextWriter output, string name, IReadOnlyList<AssignmentCandidate> candidates, int[] spare, int itemCount,
        Func<IReadOnlyList<AssignmentCandidate>, int[], int, List<int>> solver, Result? baseline, bool slots = false)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var chosen = solver(candidates, spare, itemCount);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var result = new Result(chosen.Count, chosen.Sum(c => candidates[c].Score));
        var items = baseline is null ? $"{result.Items:N0}" : $"{result.Items:N0} ({(double)result.Items / baseline.Items:0.0000})";
        var score = baseline is null ? $"{result.Score:N2}" : $"{result.Score:N2} ({result.Score / baseline.Score:0.0000})";
        if (slots)
        {
            var versus = baseline is null ? "" : Invariant($"{result.Score / baseline.Score:0.0000}");
            output.WriteLine(Invariant($"| {name} | {elapsed:N0} | {result.Items:N0} / {spare.Sum():N0} | {result.Score:N2} | {versus} | {allocated / 1048576.0:N1} MiB |"));
            return result;
        }

        output.WriteLine(Invariant($"| {name} | {elapsed:N0} | {items} | {score} | {allocated / 1048576.0:N1} MiB |"));
        return result;
    }

    private static string GapName(double gap) => gap <= AuctionAssignment.ExactGap ? "to the end" : Invariant($"stopped within {gap:0.#%}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Result(int Items, double Score);
}
