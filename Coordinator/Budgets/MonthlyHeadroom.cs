using ClawGroups.Coordinator.UsageTotals;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// How many more offers a group's month can pay for. The hard stop at 100 % (<see cref="BudgetGate"/>) comes too late for a
/// month: an agent reports its cost as it goes or all at once with its result, so by the time the line is crossed every run
/// under way still spends — 250 runs in flight took the overnight benchmark's month 22 % past its budget. So a pass counts,
/// besides what was spent, what the work under way is expected to spend (<see cref="StillToSpend"/>), and it makes only as
/// many offers as the rest of the month pays for at what a finished run of the month costs, keeping back a margin for the
/// spread of that cost over all the runs it counts on (<see cref="RunCost"/>). Before any run has finished there is no
/// average, and a run is expected to cost its item's cap (the per-item budget in the same unit), the most the hard stop lets
/// it spend: the overnight benchmark offered all 300 slots in the ~17 s before its first result, and those runs alone took the
/// month 3 % past its budget. With no finished run and no per-item cap, only the hard stop holds.
/// </summary>
public static class MonthlyHeadroom
{
    /// <summary>The most offers the group's monthly budgets allow now; null when no monthly budget is set, or nothing is known yet of what a run costs.</summary>
    public static async Task<int?> OffersAsync(ClawDbContext context, Guid groupId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var budgets = await context.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Budgets).SingleAsync(cancellationToken);
        var lines = BudgetLine.Of(budgets);
        var monthly = lines.Where(l => l.Scope == BudgetScope.Group).ToList();
        if (monthly.Count == 0)
        {
            return null;
        }

        var month = BudgetPeriods.MonthStart(now);
        var attempts = context.Assignments.AsNoTracking().Where(a => a.GroupId == groupId && a.OfferedAt >= month);
        // The runs in flight are read before what the month spent, each read its own statement: a run that ends between the
        // two is then counted in both, for one pass, where read the other way round it was counted in neither, and the pass
        // offered one run more than the month pays for (MonthlyHeadroomTests caught it once in CI).
        var inFlight = (await attempts.Where(a => a.Role == AssignmentRole.Work && a.EndedAt == null)
                .Select(a => new Usage { InputTokens = a.UsageInputTokens, OutputTokens = a.UsageOutputTokens, CostUsd = a.UsageCostUsd })
                .ToListAsync(cancellationToken))
            .Select(BudgetSpend.OfUsage)
            .ToList();
        // One grouped read gives both what the month spent (every attempt, reviews too) and what a finished run costs.
        var sums = await attempts
            .GroupBy(a => new
            {
                Work = a.Role == AssignmentRole.Work,
                Ended = a.EndedAt != null,
                Completed = a.Outcome == AssignmentOutcome.Completed,
                Spending = a.UsageCostUsd > 0 || a.UsageInputTokens + a.UsageOutputTokens > 0,
            })
            .Select(g => new
            {
                g.Key.Work,
                g.Key.Ended,
                g.Key.Completed,
                g.Key.Spending,
                Count = g.Count(),
                Cost = g.Sum(a => a.UsageCostUsd),
                Tokens = g.Sum(a => (double)a.UsageInputTokens + a.UsageOutputTokens),
                CostSquares = g.Sum(a => (double)a.UsageCostUsd * (double)a.UsageCostUsd),
                TokenSquares = g.Sum(a => ((double)a.UsageInputTokens + a.UsageOutputTokens) * ((double)a.UsageInputTokens + a.UsageOutputTokens)),
                MostCost = g.Max(a => (double)a.UsageCostUsd),
                MostTokens = g.Max(a => (double)a.UsageInputTokens + a.UsageOutputTokens),
            })
            .ToListAsync(cancellationToken);
        var spent = new Spend(sums.Sum(s => s.Cost), UsageLimits.FromSum(sums.Sum(s => s.Tokens)));
        // Two means, and the larger is taken. Runs that delivered a result: those that stalled or failed part-way cost less, and
        // under load (408 runs taken back in one overnight run) those cheap ends pulled the mean of all runs below what the runs
        // that went on cost, and the month 0.5 % past its line. All runs that ended: loopers never deliver, and are stopped at
        // their item's cap, so the runs that delivered leave out the dearest runs there are (0.1 % past the line).
        var ended = sums.Where(s => s.Work && s.Ended && s.Spending)
            .Select(s => new RunSums(s.Completed, s.Count, (double)s.Cost, s.Tokens, s.CostSquares, s.TokenSquares, s.MostCost, s.MostTokens))
            .ToList();
        var delivered = ended.Where(s => s.Delivered).ToList();
        int? offers = null;
        foreach (var line in monthly)
        {
            var itemCap = lines.FirstOrDefault(l => l.Scope == BudgetScope.Item && l.InUsd == line.InUsd)?.Limit;
            var typical = RunCost.Dearer(CostOf(delivered, line.InUsd), CostOf(ended, line.InUsd));
            var perOffer = typical is { } run ? (decimal)run.Mean : itemCap ?? 0;
            if (perOffer <= 0)
            {
                continue;
            }

            var costliest = typical is { } finishedRun ? (decimal)finishedRun.Costliest : perOffer;
            var reserved = inFlight.Sum(usage => StillToSpend(line.Counted(usage), perOffer, costliest, itemCap));
            var headroom = line.Limit - line.Counted(spent) - reserved;
            // Before any run has finished each is counted at its item's cap, the most it can spend: nothing to keep back for spread.
            var affordable = typical is { } known ? known.Affordable(headroom, inFlight.Count)
                : headroom <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Floor(headroom / perOffer));
            offers = Math.Min(offers ?? int.MaxValue, affordable);
        }

        return offers;
    }

    /// <summary>The sums of one group of finished runs' costs (one grouped row), in dollars and in tokens.</summary>
    private sealed record RunSums(
        bool Delivered, int Count, double Cost, double Tokens, double CostSquares, double TokenSquares, double MostCost, double MostTokens);

    /// <summary>What a run of <paramref name="runs"/> costs in one line's unit; null when there are none.</summary>
    private static RunCost? CostOf(IReadOnlyCollection<RunSums> runs, bool inUsd)
        => inUsd
            ? RunCost.Of(runs.Sum(r => r.Count), runs.Sum(r => r.Cost), runs.Sum(r => r.CostSquares), runs.Select(r => r.MostCost).DefaultIfEmpty().Max())
            : RunCost.Of(runs.Sum(r => r.Count), runs.Sum(r => r.Tokens), runs.Sum(r => r.TokenSquares), runs.Select(r => r.MostTokens).DefaultIfEmpty().Max());

    /// <summary>
    /// What a run in flight that has reported <paramref name="reported"/> is expected to spend still: a typical run's cost
    /// less what it has reported; once it has cost more than a typical run, as much as the month's costliest finished run
    /// less what it has reported, or as much again as it has if that is more — a run still going past the average is more
    /// likely one of the long or looping ones (in the overnight benchmark the loopers, counted at the average, took the month
    /// 3 % past its budget, and counted at as much again only, still 0.7 %) — but never past its item's cap, where the hard
    /// stop ends it.
    /// </summary>
    public static decimal StillToSpend(decimal reported, decimal typical, decimal costliest, decimal? itemCap)
    {
        var expected = reported < typical ? typical - reported : Math.Max(reported, costliest - reported);
        return itemCap is { } cap ? Math.Clamp(Math.Min(expected, cap - reported), 0, expected) : expected;
    }
}
