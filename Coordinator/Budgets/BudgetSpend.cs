using ClawGroups.Coordinator.UsageTotals;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// What a group, its agents and its items have spent in the periods budgets count in, from the attempts' cumulative usage
/// (each attempt's latest report, so nothing counts twice). Sums are taken in floating point and brought back into range, as
/// <see cref="UsageService"/> does.
/// </summary>
public static class BudgetSpend
{
    /// <summary>The group's spend since <paramref name="since"/>, leaving out one attempt whose new usage is not saved yet.</summary>
    public static async Task<Spend> OfGroupAsync(
        ClawDbContext context, Guid groupId, DateTimeOffset since, Guid? except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sums = await context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.OfferedAt >= since && a.Id != except)
            .GroupBy(a => 1)
            .Select(g => new { Cost = g.Sum(a => a.UsageCostUsd), Tokens = g.Sum(a => (double)a.UsageInputTokens + a.UsageOutputTokens) })
            .FirstOrDefaultAsync(cancellationToken);
        return sums is null ? default : new Spend(sums.Cost, UsageLimits.FromSum(sums.Tokens));
    }

    /// <summary>Each agent's spend since <paramref name="since"/> (agents that spent nothing are left out).</summary>
    public static async Task<Dictionary<Guid, Spend>> OfAgentsAsync(
        ClawDbContext context, Guid groupId, DateTimeOffset since, Guid? except, CancellationToken cancellationToken, Guid? agentId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var attempts = context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.AgentId != null && a.OfferedAt >= since && a.Id != except);
        if (agentId is { } only)
        {
            attempts = attempts.Where(a => a.AgentId == only);
        }

        var sums = await attempts
            .GroupBy(a => a.AgentId!.Value)
            .Select(g => new { AgentId = g.Key, Cost = g.Sum(a => a.UsageCostUsd), Tokens = g.Sum(a => (double)a.UsageInputTokens + a.UsageOutputTokens) })
            .ToListAsync(cancellationToken);
        return sums.ToDictionary(s => s.AgentId, s => new Spend(s.Cost, UsageLimits.FromSum(s.Tokens)));
    }

    /// <summary>An item's spend over all its attempts, as the item keeps it.</summary>
    public static Spend OfItem(Data.WorkItems.WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return OfUsage(item.Usage);
    }

    public static Spend OfUsage(Data.WorkItems.Usage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new Spend(usage.CostUsd, UsageLimits.Add(usage.InputTokens, usage.OutputTokens));
    }
}
