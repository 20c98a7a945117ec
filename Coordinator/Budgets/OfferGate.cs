using ClawGroups.Coordinator.Breakers;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// What the assignment passes ask before they offer anything: no offers under a budget that is spent (the group's this month:
/// none at all; an agent's today: none to it; an item's: not that item), and none to an agent whose failure breaker is
/// cooling down — a half-open one gets one trial offer at a time. The passes' copies of agents and items are lean and
/// untracked, so narrowing them here changes nothing stored.
/// </summary>
public static class OfferGate
{
    /// <summary>The agents that may be offered work now, of those available; a half-open agent's capacity is one.</summary>
    public static async Task<List<Agent>> AgentsAsync(
        ClawDbContext context, Guid groupId, List<Agent> available, BreakerOptions breakers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(available);
        if (available.Count == 0)
        {
            return available;
        }

        var lines = BudgetLine.Of(await context.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Budgets).SingleAsync(cancellationToken));
        var monthly = lines.Where(l => l.Scope == BudgetScope.Group).ToList();
        if (monthly.Count > 0)
        {
            var spent = await BudgetSpend.OfGroupAsync(context, groupId, BudgetPeriods.MonthStart(now), null, cancellationToken);
            if (monthly.Any(l => l.Exceeded(spent)))
            {
                return [];
            }
        }

        var daily = lines.Where(l => l.Scope == BudgetScope.Agent).ToList();
        var spentToday = daily.Count == 0
            ? []
            : await BudgetSpend.OfAgentsAsync(context, groupId, BudgetPeriods.DayStart(now), null, cancellationToken);
        var tripped = await FailureStreak.TrippedInGroupAsync(context, groupId, breakers, now, cancellationToken);
        var allowed = new List<Agent>(available.Count);
        foreach (var agent in available)
        {
            if (daily.Any(l => l.Exceeded(spentToday.GetValueOrDefault(agent.Id))))
            {
                continue;
            }

            if (tripped.TryGetValue(agent.Id, out var breaker))
            {
                if (breaker.Cooling(now))
                {
                    continue;
                }

                agent.Capacity = Math.Min(agent.Capacity, 1);
            }

            allowed.Add(agent);
        }

        return allowed;
    }

    /// <summary>The ready items that have not spent their own budget.</summary>
    public static async Task<IQueryable<WorkItem>> WithinItemBudgetsAsync(
        ClawDbContext context, Guid groupId, IQueryable<WorkItem> ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ready);
        var budgets = await context.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Budgets).SingleAsync(cancellationToken);
        if (budgets.PerItemUsd is { } usd)
        {
            ready = usd <= 0 ? ready.Where(w => w.UsageCostUsd <= 0) : ready.Where(w => w.UsageCostUsd < usd);
        }

        if (budgets.PerItemTokens is { } tokens)
        {
            ready = tokens <= 0
                ? ready.Where(w => w.UsageInputTokens + w.UsageOutputTokens <= 0)
                : ready.Where(w => w.UsageInputTokens + w.UsageOutputTokens < tokens);
        }

        return ready;
    }
}
