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

        // One grouped read gives both what the month spent (every attempt, reviews too) and what a finished run costs.
        var month = BudgetPeriods.MonthStart(now);
        var attempts = context.Assignments.AsNoTracking().Where(a => a.GroupId == groupId && a.OfferedAt >= month);
        var sums = await attempts
            .GroupBy(a => new
            {
                Work = a.Role == AssignmentRole.Work,
                Ended = a.EndedAt != null,
                Completed = a.Outcome == AssignmentOutcome.Completed,
                Spending = a.Usage.CostUsd > 0 || a.Usage.InputTokens + a.Usage.OutputTokens > 0,
            })
            .Select(g => new
            {
                g.Key.Work,
                g.Key.Ended,
                g.Key.Completed,
                g.Key.Spending,
                Count = g.Count(),
                Cost = g.Sum(a => a.Usage.CostUsd),
                Tokens = g.Sum(a => (double)a.Usage.InputTokens + a.Usage.OutputTokens),
                CostSquares = g.Sum(a => (double)a.Usage.CostUsd * (double)a.Usage.CostUsd),
                TokenSquares = g.Sum(a => ((double)a.Usage.InputTokens + a.Usage.OutputTokens) * ((double)a.Usage.InputTokens + a.Usage.OutputTokens)),
                MostCost = g.Max(a => (double)a.Usage.CostUsd),
                MostTokens = g.Max(a => (double)a.Usage.InputTokens + a.Usage.OutputTokens),
            })
            .ToListAsync(cancellationToken);
        var spent = new Spend(sums.Sum(s => s.Cost), UsageLimits.FromSum(sums.Sum(s => s.Tokens)));
        // A run is judged by the runs that delivered: one that stalled or failed part-way cost less, and under load (408 runs
        // taken back in one overnight run) those cheap ends pulled the mean below what the runs that went on cost, and the
        // month 0.5 % past its line. Until a run has delivered, the runs that ended otherwise stand in.
        var ended = sums.Where(s => s.Work && s.Ended && s.Spending).ToList();
        var delivered = ended.Where(s => s.Completed).ToList();
        var finished = delivered.Count > 0 ? delivered : ended;
        var mostCost = ended.Select(s => s.MostCost).DefaultIfEmpty().Max();
        var mostTokens = ended.Select(s => s.MostTokens).DefaultIfEmpty().Max();
        List<Spend>? inFlight = null;
        int? offers = null;
        foreach (var line in monthly)
        {
            var itemCap = lines.FirstOrDefault(l => l.Scope == BudgetScope.Item && l.InUsd == line.InUsd)?.Limit;
            var typical = line.InUsd
                ? RunCost.Of(finished.Sum(s => s.Count), (double)finished.Sum(s => s.Cost), finished.Sum(s => s.CostSquares), mostCost)
                : RunCost.Of(finished.Sum(s => s.Count), finished.Sum(s => s.Tokens), finished.Sum(s => s.TokenSquares), mostTokens);
            var perOffer = typical is { } run ? (decimal)run.Mean : itemCap ?? 0;
            if (perOffer <= 0)
            {
                continue;
            }

            inFlight ??= (await attempts.Where(a => a.Role == AssignmentRole.Work && a.EndedAt == null).Select(a => a.Usage).ToListAsync(cancellationToken))
                .Select(BudgetSpend.OfUsage)
                .ToList();
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
