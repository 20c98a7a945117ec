using Bunit;
using ClawGroups.Coordinator.Insights;
using ClawGroups.Web.Components.Groups;

namespace ClawGroups.Web.Tests.Components;

/// <summary>The dashboard's spend (issue 15): budget lines on the charts, the month against its budget, the costliest items.</summary>
public sealed class SpendChartsTests : ComponentTest
{
    private const string AgentBudgetLine = "Daily budget per agent";
    private static readonly DateTimeOffset From = new(2025, 2, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fourteen_days_by_agent_draw_the_daily_budget_per_agent_as_a_line()
    {
        var charts = Render(Spend(InsightsRange.Fortnight) with { PerAgentDailyUsd = 5m });

        var byAgent = charts.Find("[data-testid=chart-spend-agents]").TextContent;
        Assert.Contains(AgentBudgetLine, byAgent, StringComparison.Ordinal);
        Assert.Contains("zed", byAgent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_daily_budget_there_is_no_line()
    {
        var charts = Render(Spend(InsightsRange.Fortnight));

        Assert.Contains("zed", charts.Find("[data-testid=chart-spend-agents]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(AgentBudgetLine, charts.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Hourly_buckets_show_no_daily_line_since_it_is_not_an_hourly_limit()
    {
        var charts = Render(Spend(InsightsRange.Day) with { PerAgentDailyUsd = 5m });

        Assert.DoesNotContain(AgentBudgetLine, charts.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_month_is_shown_against_its_budget_when_one_is_set_and_plainly_when_not()
    {
        var budgeted = Render(Spend(InsightsRange.Day) with { MonthlyUsd = 100m, SpentThisMonthUsd = 85.5m });
        var unbudgeted = Render(Spend(InsightsRange.Day) with { SpentThisMonthUsd = 85.5m });

        Assert.Contains("$85.50 of $100.00", budgeted.Find("[data-testid=spend-month]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(budgeted.FindAll("[data-testid=spend-month] .mud-progress-linear"));
        Assert.Contains("$85.50 spent; no monthly budget is set.", unbudgeted.Find("[data-testid=spend-month]").TextContent, StringComparison.Ordinal);
        Assert.Empty(unbudgeted.FindAll("[data-testid=spend-month] .mud-progress-linear"));
    }

    [Fact]
    public void The_costliest_items_are_listed_as_given_and_an_item_past_its_budget_says_so()
    {
        var items = new[]
        {
            new CostlyItem(Guid.NewGuid(), "Rewrite the parser", 12.5m, 3),
            new CostlyItem(Guid.NewGuid(), "Index the logs", 2m, 1),
        };

        var charts = Render(Spend(InsightsRange.Day) with { TopItems = items, PerItemUsd = 10m });

        var rows = charts.FindAll("[data-testid=spend-top-items] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("Rewrite the parser", rows[0], StringComparison.Ordinal);
        Assert.Contains("$12.50 (over its budget)", rows[0], StringComparison.Ordinal);
        Assert.Contains("Index the logs", rows[1], StringComparison.Ordinal);
        Assert.DoesNotContain("over its budget", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_without_spend_says_so_instead_of_drawing_empty_charts()
    {
        var charts = Render(Spend(InsightsRange.Day) with { ByAgent = [], ByArea = [], PerAgentDailyUsd = 5m });

        Assert.Contains("Nothing spent in this window.", charts.Find("[data-testid=chart-spend-agents]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Nothing spent in this window.", charts.Find("[data-testid=chart-spend-areas]").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<SpendCharts> Render(SpendInsightsView spend)
        => Render<SpendCharts>(p => p.Add(c => c.Spend, spend).Add(c => c.GroupId, Guid.NewGuid()));

    /// <summary>zed spent 3 on the window's last day (or hour) in the backend area; no budgets, no costly items.</summary>
    private static SpendInsightsView Spend(InsightsRange range)
    {
        var (step, count) = range == InsightsRange.Day ? (TimeSpan.FromHours(1), 24) : (TimeSpan.FromDays(1), 14);
        var values = new decimal[count];
        values[^1] = 3m;
        return new SpendInsightsView(range, From, step, count, [new SpendSeries("zed", values)], [new SpendSeries("backend", values)], [],
            MonthlyUsd: null, SpentThisMonthUsd: 3m, PerAgentDailyUsd: null, PerItemUsd: null);
    }
}
