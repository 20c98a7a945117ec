namespace ClawGroups.Data.Groups;

/// <summary>
/// What a group lets its agents spend (docs/API.md, "Budgets"), in US dollars and/or tokens (input and output together) at three
/// levels: the whole group per calendar month, each agent per day, each work item over all its attempts. Null: no limit.
/// </summary>
public class GroupBudgets
{
    public decimal? MonthlyUsd { get; set; }

    public long? MonthlyTokens { get; set; }

    public decimal? PerItemUsd { get; set; }

    public long? PerItemTokens { get; set; }

    public decimal? PerAgentDailyUsd { get; set; }

    public long? PerAgentDailyTokens { get; set; }
}
