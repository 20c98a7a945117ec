using ClawGroups.Data.Groups;

namespace ClawGroups.Coordinator.Budgets;

/// <summary>Which spend a budget limits: the whole group's this month, one agent's today, or one item's over all its attempts.</summary>
public enum BudgetScope
{
    Group,
    Agent,
    Item,
}

/// <summary>
/// One budget of a group as it is set: its API name (<c>monthlyUsd</c>), what it limits, and its limit in dollars or in tokens
/// (input and output together). Only budgets that are set become lines.
/// </summary>
public sealed record BudgetLine(string Name, BudgetScope Scope, bool InUsd, decimal Limit)
{
    public const string MonthlyUsd = "monthlyUsd";
    public const string MonthlyTokens = "monthlyTokens";
    public const string PerItemUsd = "perItemUsd";
    public const string PerItemTokens = "perItemTokens";
    public const string PerAgentDailyUsd = "perAgentDailyUsd";
    public const string PerAgentDailyTokens = "perAgentDailyTokens";

    /// <summary>Where a warning is raised: 80 % of the limit.</summary>
    public const decimal WarningShare = 0.8m;

    /// <summary>The budgets a group has set, in a fixed order.</summary>
    public static IReadOnlyList<BudgetLine> Of(GroupBudgets budgets)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        var lines = new List<BudgetLine>(6);
        Add(lines, MonthlyUsd, BudgetScope.Group, true, budgets.MonthlyUsd);
        Add(lines, MonthlyTokens, BudgetScope.Group, false, budgets.MonthlyTokens);
        Add(lines, PerAgentDailyUsd, BudgetScope.Agent, true, budgets.PerAgentDailyUsd);
        Add(lines, PerAgentDailyTokens, BudgetScope.Agent, false, budgets.PerAgentDailyTokens);
        Add(lines, PerItemUsd, BudgetScope.Item, true, budgets.PerItemUsd);
        Add(lines, PerItemTokens, BudgetScope.Item, false, budgets.PerItemTokens);
        return lines;
    }

    /// <summary>What this line counts of a spend: its dollars or its tokens.</summary>
    public decimal Counted(Spend spend) => InUsd ? spend.CostUsd : spend.Tokens;

    /// <summary>How far along the limit the spend is: 1 or more is over (a limit of 0 stops everything that costs anything).</summary>
    public decimal Share(Spend spend) => Limit <= 0 ? (Counted(spend) > 0 ? 1 : 0) : Counted(spend) / Limit;

    public bool Exceeded(Spend spend) => Limit <= 0 ? Counted(spend) > 0 : Counted(spend) >= Limit;

    private static void Add(List<BudgetLine> lines, string name, BudgetScope scope, bool inUsd, decimal? limit)
    {
        if (limit is { } set)
        {
            lines.Add(new BudgetLine(name, scope, inUsd, set));
        }
    }
}

/// <summary>Money and tokens spent (input and output tokens together), summed over attempts.</summary>
public readonly record struct Spend(decimal CostUsd, long Tokens)
{
    public static Spend operator +(Spend a, Spend b) => new(a.CostUsd + b.CostUsd, a.Tokens + b.Tokens);
}
