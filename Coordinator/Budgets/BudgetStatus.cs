using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// Spend against one budget: which (<c>monthlyUsd</c>…), over what (<c>group</c>, an <c>agent</c> today, an <c>item</c>), the
/// limit, what was spent, the share (1 or more: stopped) and the period (<c>2026-12</c>, <c>2026-12-02</c>, <c>all</c>).
/// </summary>
public sealed record BudgetStatusView(
    string Budget, string Scope, decimal Limit, decimal Spent, double Share, string Period, bool Exceeded,
    Guid? AgentId = null, string? AgentName = null, Guid? WorkItemId = null, string? WorkItemTitle = null);

/// <summary>Reads a group's spend against each budget it has set, for <c>GET …/usage</c>, the board's banner and the dashboard.</summary>
public static class BudgetStatus
{
    /// <summary>Items shown per item budget: the most spent first, only those past the warning line.</summary>
    public const int MaxItems = 50;

    public static async Task<IReadOnlyList<BudgetStatusView>> OfGroupAsync(
        ClawDbContext context, Guid groupId, IReadOnlyDictionary<Guid, string> agentNames, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(agentNames);
        var lines = BudgetLine.Of(await context.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Budgets).SingleAsync(cancellationToken));
        var views = new List<BudgetStatusView>();
        if (lines.Count == 0)
        {
            return views;
        }

        var group = await BudgetSpend.OfGroupAsync(context, groupId, BudgetPeriods.MonthStart(now), null, cancellationToken);
        var agents = lines.Any(l => l.Scope == BudgetScope.Agent)
            ? await BudgetSpend.OfAgentsAsync(context, groupId, BudgetPeriods.DayStart(now), null, cancellationToken)
            : [];
        var names = agentNames.Count >= agents.Count
            ? agentNames
            : await context.Agents.Where(a => a.GroupId == groupId).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var items = lines.Any(l => l.Scope == BudgetScope.Item)
            ? (await context.WorkItems.AsNoTracking().Where(w => w.GroupId == groupId && (w.UsageCostUsd > 0 || w.UsageInputTokens + w.UsageOutputTokens > 0))
                .Select(w => new { w.Id, w.Title, CostUsd = w.UsageCostUsd, InputTokens = w.UsageInputTokens, OutputTokens = w.UsageOutputTokens })
                .ToListAsync(cancellationToken))
                .Select(w => (w.Id, w.Title, Spend: BudgetSpend.OfUsage(new Usage { CostUsd = w.CostUsd, InputTokens = w.InputTokens, OutputTokens = w.OutputTokens })))
                .ToList()
            : [];
        foreach (var line in lines)
        {
            var period = BudgetPeriods.Name(line.Scope, now);
            switch (line.Scope)
            {
                case BudgetScope.Group:
                    views.Add(View(line, group, period));
                    break;
                case BudgetScope.Agent:
                    views.AddRange(agents.OrderByDescending(a => line.Counted(a.Value))
                        .Select(a => View(line, a.Value, period) with { AgentId = a.Key, AgentName = names.GetValueOrDefault(a.Key) }));
                    break;
                default:
                    views.AddRange(items
                        .Where(w => line.Share(w.Spend) >= BudgetLine.WarningShare)
                        .OrderByDescending(w => line.Counted(w.Spend)).Take(MaxItems)
                        .Select(w => View(line, w.Spend, period) with { WorkItemId = w.Id, WorkItemTitle = w.Title }));
                    break;
            }
        }

        return views;
    }

    private static BudgetStatusView View(BudgetLine line, Spend spend, string period)
        => new(line.Name, line.Scope.ToString().ToLowerInvariant(), line.Limit, line.Counted(spend), (double)Math.Round(line.Share(spend), 4), period,
            line.Exceeded(spend));
}
