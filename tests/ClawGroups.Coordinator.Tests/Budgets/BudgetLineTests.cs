using ClawGroups.Coordinator.Budgets;
using ClawGroups.Data.Groups;

namespace ClawGroups.Coordinator.Tests.Budgets;

/// <summary>What a budget counts and where it warns and stops.</summary>
public sealed class BudgetLineTests
{
    [Fact]
    public void Only_the_budgets_a_group_set_become_lines()
    {
        var lines = BudgetLine.Of(new GroupBudgets { MonthlyUsd = 100, PerItemTokens = 5000 });

        Assert.Equal([BudgetLine.MonthlyUsd, BudgetLine.PerItemTokens], lines.Select(l => l.Name));
        Assert.Equal([BudgetScope.Group, BudgetScope.Item], lines.Select(l => l.Scope));
    }

    [Fact]
    public void A_dollar_budget_counts_dollars_and_a_token_budget_input_and_output_tokens_together()
    {
        var spend = new Spend(80m, 4000);
        var lines = BudgetLine.Of(new GroupBudgets { MonthlyUsd = 100, PerItemTokens = 4000 });

        Assert.Equal(0.8m, lines[0].Share(spend));
        Assert.False(lines[0].Exceeded(spend));
        Assert.True(lines[1].Exceeded(spend), "reaching the limit is the stop");
    }

    [Fact]
    public void A_budget_of_zero_stops_anything_that_costs()
    {
        var line = Assert.Single(BudgetLine.Of(new GroupBudgets { PerAgentDailyUsd = 0 }));

        Assert.False(line.Exceeded(new Spend(0m, 10)));
        Assert.True(line.Exceeded(new Spend(0.01m, 0)));
    }

    [Fact]
    public void Months_and_days_are_utc_calendar_periods()
    {
        var late = new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.FromHours(-5));

        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), BudgetPeriods.MonthStart(late));
        Assert.Equal("2027-01-01", BudgetPeriods.Name(BudgetScope.Agent, late));
    }
}
