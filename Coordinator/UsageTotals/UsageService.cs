using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.UsageTotals;

/// <summary>Tokens and cost that agents reported, summed over a group and per agent (items carry their own sums).</summary>
public sealed class UsageService(ClawDbContext context, TimeProvider time)
{
    public async Task<Outcome<GroupUsageView>> ForGroupAsync(Caller caller, Guid groupId, CancellationToken cancellationToken)
    {
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        // Each attempt's usage is the agent's cumulative report for it, so summing attempts counts nothing twice.
        // Token sums are taken in floating point and brought back into range: an integer SUM past long.MaxValue
        // fails the query (SQLite) or its reading (PostgreSQL's numeric), and the usage page with it.
        var perAgent = await context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.AgentId != null)
            .GroupBy(a => a.AgentId!.Value)
            .Select(g => new
            {
                AgentId = g.Key,
                InputTokens = g.Sum(a => (double)a.UsageInputTokens),
                OutputTokens = g.Sum(a => (double)a.UsageOutputTokens),
                CostUsd = g.Sum(a => a.UsageCostUsd),
                Items = g.Select(a => a.WorkItemId).Distinct().Count(),
            })
            .ToListAsync(cancellationToken);
        var ids = perAgent.Select(a => a.AgentId).ToList();
        var names = await context.Agents.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var agents = perAgent
            .Select(a => new AgentUsageView(a.AgentId, names.GetValueOrDefault(a.AgentId, ""),
                UsageLimits.FromSum(a.InputTokens), UsageLimits.FromSum(a.OutputTokens), a.CostUsd, a.Items))
            .OrderByDescending(a => a.CostUsd).ThenBy(a => a.Name)
            .ToList();
        return new GroupUsageView(groupId,
            agents.Aggregate(0L, (total, a) => UsageLimits.Add(total, a.InputTokens)),
            agents.Aggregate(0L, (total, a) => UsageLimits.Add(total, a.OutputTokens)),
            agents.Aggregate(0m, (total, a) => UsageLimits.Add(total, a.CostUsd)),
            agents,
            await BudgetStatus.OfGroupAsync(context, groupId, names, time.GetUtcNow(), cancellationToken));
    }
}

/// <summary>
/// A group's usage in all and per agent, and (added) its spend against each budget it has set: the month's, each agent's
/// today (those that spent), and the items past 80 % of theirs.
/// </summary>
public sealed record GroupUsageView(
    Guid GroupId, long InputTokens, long OutputTokens, decimal CostUsd, IReadOnlyList<AgentUsageView> Agents,
    IReadOnlyList<BudgetStatusView>? Budgets = null);

public sealed record AgentUsageView(Guid AgentId, string Name, long InputTokens, long OutputTokens, decimal CostUsd, int Items);
