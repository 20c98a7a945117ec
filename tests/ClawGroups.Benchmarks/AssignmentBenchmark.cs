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
    /// score computed as <see cref="AssignmentCandidates.Score"/> does, streamed into a shortlist of each item's best.
    /// </summary>
    private static void Streamed(TextWriter output, IReadOnlyList<SkillArea> areas, int agentCount, int itemCount)
    {
        const int chunk = 2_000;
        var group = SyntheticGroup.Create(areas, agentCount, itemCount, seed: 12);
        var spare = group.SpareCapacity();
        output.WriteLine();
        output.WriteLine(Invariant($"## {agentCount:N0} agents × {itemCount:N0} ready items, {spare.Sum():N0} slots: streamed into each item's top {PruneSizes[^1]} and each agent's top {PruneSizes[^1]}"));
        var model = new LexicalSkillModel();
        var profiles = group.Agents.Select(AssignmentCandidates.ToProfile).ToList();
        var shortlist = new CandidateShortlist(itemCount, PruneSizes[^1], agentCount, PruneSizes[^1]);
        var fits = group.Agents.Select(AgentFit.Of).ToArray();
        long pairs = 0;
        double lexical = 0;
        var clock = Stopwatch.StartNew();
        for (var first = 0; first < itemCount; first += chunk)
        {
            var items = group.Items.Skip(first).Take(chunk).ToList();
            var lexicalClock = Stopwatch.StartNew();
            var affinities = model.Score(items.Select(AssignmentCandidates.ToText).ToList(), profiles, CancellationToken.None);
            lexical += lexicalClock.Elapsed.TotalMilliseconds;
            for (var i = 0; i < items.Count; i++)
            {
                var required = items[i].RequiredSkills;
                for (var a = 0; a < agentCount; a++)
                {
                    var level = fits[a].Level(required, affinities.BestSkill(i, a));
                    if (level is { } known)
                    {
                        // The weights of AssignmentCandidates (0.7 affinity, 0.2 level, 0.1 spare; every agent idle here).
                        shortlist.Offer(first + i, a, (0.7 * affinities.Score(i, a)) + (0.2 * known) + 0.1);
                        pairs++;
                    }
                }
            }
        }

        var total = clock.Elapsed.TotalMilliseconds;
        var kept = shortlist.ToCandidates((item, agent, score) => new AssignmentCandidate(item, agent, score, score, 0.5));
        output.WriteLine(Invariant($"candidate scoring: {total:N0} ms for {pairs:N0} allowed pairs (lexical affinities {lexical:N0} ms, {pairs / (lexical / 1000) / 1e6:0.0} M pairs/s; scoring and shortlist {total - lexical:N0} ms), {kept.Count:N0} kept"));
        output.WriteLine();
        Header(output);
        var greedy = Solve(output, $"greedy on the shortlist", kept, spare, itemCount, GreedyAssignment.Choose, null);
        foreach (var k in PruneSizes)
        {
            foreach (var perAgent in (int[])[0, k])
            {
                // Each item's top k (and agent's top k) of the shortlist are its top k of all pairs.
                var pruned = CandidatePruning.TopPerItemAndAgent(kept, k, perAgent);
                var name = perAgent == 0 ? $"top {k}/item" : $"top {k}/item + {perAgent}/agent";
                Solve(output, $"optimal, {name} ({pruned.Count:N0} pairs)", pruned, spare, itemCount, OptimalAssignment.Choose, greedy);
            }
        }
    }

    private static void Header(TextWriter output)
    {
        output.WriteLine("| solver | solve ms | items assigned (× greedy) | total score (× greedy) | allocated |");
        output.WriteLine("|---|---:|---:|---:|---:|");
    }

    private static Result Solve(
        TextWriter output, string name, IReadOnlyList<AssignmentCandidate> candidates, int[] spare, int itemCount,
        Func<IReadOnlyList<AssignmentCandidate>, int[], int, List<int>> solver, Result? baseline)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var chosen = solver(candidates, spare, itemCount);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var result = new Result(chosen.Count, chosen.Sum(c => candidates[c].Score));
        var items = baseline is null ? $"{result.Items:N0}" : $"{result.Items:N0} ({(double)result.Items / baseline.Items:0.0000})";
        var score = baseline is null ? $"{result.Score:N2}" : $"{result.Score:N2} ({result.Score / baseline.Score:0.0000})";
        output.WriteLine(Invariant($"| {name} | {elapsed:N0} | {items} | {score} | {allocated / 1048576.0:N1} MiB |"));
        return result;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Result(int Items, double Score);

    /// <summary>An agent's skills as the hard constraint and the level term of the score read them.</summary>
    private sealed record AgentFit(Dictionary<string, double> LevelByKey, double[] Levels)
    {
        public static AgentFit Of(Agent agent)
        {
            var byKey = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            foreach (var skill in agent.Skills)
            {
                foreach (var key in skill.Tags.Append(skill.SkillId))
                {
                    byKey[key] = Math.Max(byKey.GetValueOrDefault(key), skill.Level);
                }
            }

            return new AgentFit(byKey, agent.Skills.Select(s => s.Level).ToArray());
        }

        /// <summary>The level the score uses, or null where the agent lacks a required skill.</summary>
        public double? Level(List<string> required, int bestSkill)
        {
            double level = bestSkill >= 0 ? Levels[bestSkill] : -1;
            foreach (var key in required)
            {
                if (!LevelByKey.TryGetValue(key, out var matched))
                {
                    return null;
                }

                level = Math.Max(level, matched);
            }

            return level < 0 ? 0.5 : level;
        }
    }
}
