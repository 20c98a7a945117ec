using ClawGroups.Coordinator.Assignments;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>A small assignment problem, seeded random cases of it, and an exhaustive solver to check against.</summary>
internal sealed record AssignmentCase(IReadOnlyList<AssignmentCandidate> Candidates, int[] SpareCapacity, int ItemCount)
{
    public static AssignmentCandidate Pair(int item, int agent, double score) => new(item, agent, score, score, 0.5);

    /// <summary>Items ≤ 6, agents ≤ 4, capacities 0–2, about 60 % of pairs present.</summary>
    public static AssignmentCase Random(int seed, bool positiveOnly)
    {
        var random = new Random(seed);
        var items = random.Next(1, 7);
        var agents = random.Next(1, 5);
        var spare = Enumerable.Range(0, agents).Select(_ => random.Next(0, 3)).ToArray();
        // Every other case draws scores on a coarse grid, so that ties are common and exact.
        var coarse = seed % 2 == 0;
        var candidates = new List<AssignmentCandidate>();
        for (var i = 0; i < items; i++)
        {
            for (var a = 0; a < agents; a++)
            {
                if (random.NextDouble() < 0.6)
                {
                    var score = coarse ? random.Next(1, 9) / 8.0 : random.NextDouble();
                    if (!positiveOnly && random.NextDouble() < 0.15)
                    {
                        score = -score * random.Next(0, 2);
                    }

                    candidates.Add(Pair(i, a, score));
                }
            }
        }

        // Shuffle, so that candidate order is not always item-major.
        var shuffled = candidates.OrderBy(_ => random.Next()).ToList();
        return new AssignmentCase(shuffled, spare, items);
    }

    /// <summary>
    /// Items 3–8 against agents 1–3 with capacities 0–2, about 70 % of pairs present: mostly more items than slots,
    /// the case <see cref="AuctionAssignment"/> is for.
    /// </summary>
    public static AssignmentCase Crowded(int seed)
    {
        var random = new Random(seed);
        var items = random.Next(3, 9);
        var agents = random.Next(1, 4);
        var spare = Enumerable.Range(0, agents).Select(_ => random.Next(0, 3)).ToArray();
        var coarse = seed % 2 == 0;
        var candidates = new List<AssignmentCandidate>();
        for (var i = 0; i < items; i++)
        {
            for (var a = 0; a < agents; a++)
            {
                if (random.NextDouble() < 0.7)
                {
                    var score = coarse ? random.Next(1, 5) / 4.0 : random.NextDouble();
                    candidates.Add(Pair(i, a, random.NextDouble() < 0.1 ? -score : score));
                }
            }
        }

        return new AssignmentCase(candidates.OrderBy(_ => random.Next()).ToList(), spare, items);
    }

    public List<int> Greedy() => GreedyAssignment.Choose(Candidates, SpareCapacity, ItemCount);

    public List<int> Optimal(AssignmentObjective objective = AssignmentObjective.MostItemsThenScore)
        => OptimalAssignment.Choose(Candidates, SpareCapacity, ItemCount, objective);

    public double Total(IEnumerable<int> chosen) => chosen.Sum(c => Candidates[c].Score);

    /// <summary>Whether each item is chosen at most once and each agent at most its spare capacity.</summary>
    public bool Feasible(IReadOnlyList<int> chosen)
        => chosen.Distinct().Count() == chosen.Count
           && chosen.Select(c => Candidates[c].Item).Distinct().Count() == chosen.Count
           && chosen.GroupBy(c => Candidates[c].Agent).All(g => g.Count() <= SpareCapacity[g.Key]);

    /// <summary>The best (items, total score) by trying every choice of pair (or none) for every item.</summary>
    public (int Items, double Score) BruteForce(AssignmentObjective objective)
    {
        var byItem = Enumerable.Range(0, ItemCount)
            .Select(i => Enumerable.Range(0, Candidates.Count).Where(c => Candidates[c].Item == i && Candidates[c].Score > 0).ToArray())
            .ToArray();
        var used = new int[SpareCapacity.Length];
        var best = (Items: 0, Score: 0.0);

        void Visit(int item, int count, double score)
        {
            if (item == ItemCount)
            {
                if (Better((count, score), best, objective))
                {
                    best = (count, score);
                }

                return;
            }

            Visit(item + 1, count, score);
            foreach (var c in byItem[item])
            {
                var agent = Candidates[c].Agent;
                if (used[agent] < SpareCapacity[agent])
                {
                    used[agent]++;
                    Visit(item + 1, count + 1, score + Candidates[c].Score);
                    used[agent]--;
                }
            }
        }

        Visit(0, 0, 0);
        return best;
    }

    private static bool Better((int Items, double Score) x, (int Items, double Score) y, AssignmentObjective objective)
    {
        const double tie = 1e-9;
        return objective == AssignmentObjective.MostItemsThenScore
            ? x.Items > y.Items || (x.Items == y.Items && x.Score > y.Score + tie)
            : x.Score > y.Score + tie || (Math.Abs(x.Score - y.Score) <= tie && x.Items > y.Items);
    }
}
