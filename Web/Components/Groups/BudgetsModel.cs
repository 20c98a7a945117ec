using ClawGroups.Coordinator.Groups;

namespace ClawGroups.Web.Components.Groups;

/// <summary>The settings form's budgets: dollars and tokens per month, per agent per day, per item; empty is no limit.</summary>
public sealed class BudgetsModel
{
    public decimal? MonthlyUsd { get; set; }

    public long? MonthlyTokens { get; set; }

    public decimal? PerAgentDailyUsd { get; set; }

    public long? PerAgentDailyTokens { get; set; }

    public decimal? PerItemUsd { get; set; }

    public long? PerItemTokens { get; set; }

    public static BudgetsModel From(BudgetsView? budgets) => budgets is null
        ? new BudgetsModel()
        : new BudgetsModel
        {
            MonthlyUsd = budgets.MonthlyUsd,
            MonthlyTokens = budgets.MonthlyTokens,
            PerAgentDailyUsd = budgets.PerAgentDailyUsd,
            PerAgentDailyTokens = budgets.PerAgentDailyTokens,
            PerItemUsd = budgets.PerItemUsd,
            PerItemTokens = budgets.PerItemTokens,
        };

    /// <summary>Every budget, so that an emptied one is lifted.</summary>
    public BudgetsPatch ToPatch() => new(
        new(MonthlyUsd), new(MonthlyTokens), new(PerItemUsd), new(PerItemTokens), new(PerAgentDailyUsd), new(PerAgentDailyTokens));
}
