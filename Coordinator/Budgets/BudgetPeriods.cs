namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// The periods budgets count in, UTC: a calendar month for the group, a day for each agent. An attempt's usage counts in the
/// period its offer was made in (decision 0028): reports carry no time of spending, and one attempt never splits.
/// </summary>
public static class BudgetPeriods
{
    public static DateTimeOffset MonthStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset DayStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The period's name in alert keys and views: <c>2026-12</c> or <c>2026-12-02</c>; items have none.</summary>
    public static string Name(BudgetScope scope, DateTimeOffset now) => scope switch
    {
        BudgetScope.Group => MonthStart(now).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        BudgetScope.Agent => DayStart(now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => "all",
    };

    public static DateTimeOffset? Start(BudgetScope scope, DateTimeOffset now) => scope switch
    {
        BudgetScope.Group => MonthStart(now),
        BudgetScope.Agent => DayStart(now),
        _ => null,
    };
}
