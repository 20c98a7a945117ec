namespace ClawGroups.Data.Budgets;

/// <summary>
/// A budget warning (80 %) or stop (100 %) already raised, so that each is raised once for a budget, its scope (the group, an
/// agent, an item), its period and its limit: a raised limit may warn again, a repeated report may not.
/// </summary>
public class BudgetAlert
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    /// <summary>Budget, scope, period and limit, e.g. <c>monthlyUsd:group:2026-12:100</c>.</summary>
    public string Key { get; set; } = "";

    public BudgetAlertLevel Level { get; set; }

    public DateTimeOffset At { get; set; }
}

public enum BudgetAlertLevel
{
    Warning = 0,
    Stop = 1,
}
