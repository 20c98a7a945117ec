using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Insights;

/// <summary>
/// Where a group's money went over the dashboard's window (decision 0028): per bucket, by agent (the top ones, the rest as one)
/// and by area (an item's first required skill, else "general"), the items that cost most, and the budgets to draw as lines.
/// An attempt's cost counts in the bucket its offer was made in, as budgets count it. Attempts that cost nothing draw no line,
/// so a window where nothing was spent has no series and the dashboard says so. Reviews cost too and count, as budgets count
/// them. Ties are broken by name, so the same figures always draw the same chart; areas are compared without case.
/// </summary>
public sealed class SpendInsightsService(ClawDbContext context, TimeProvider time)
{
    public const int TopAgents = 5;
    public const int TopItems = 10;
    public const string Others = "others";
    public const string General = "general";

    public async Task<Outcome<SpendInsightsView>> GetAsync(Caller caller, Guid groupId, InsightsRange range, CancellationToken cancellationToken)
    {
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        var now = time.GetUtcNow();
        var (from, step, count) = GroupInsightsService.Window(now, range);
        var attempts = await context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.OfferedAt >= from && a.AgentId != null && a.UsageCostUsd > 0)
            .Select(a => new { AgentId = a.AgentId!.Value, a.OfferedAt, CostUsd = a.UsageCostUsd, Skills = a.WorkItem!.RequiredSkills })
            .ToListAsync(cancellationToken);
        var names = await context.Agents.AsNoTracking().Where(a => a.GroupId == groupId).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        string NameOf(Guid agentId) => names.GetValueOrDefault(agentId, agentId.ToString());
        var top = attempts.GroupBy(a => a.AgentId)
            .OrderByDescending(g => g.Sum(a => a.CostUsd)).ThenBy(g => NameOf(g.Key), StringComparer.Ordinal)
            .Take(TopAgents).Select(g => g.Key).ToList();
        var labels = SeriesLabels.OfAgents(top, NameOf, Others);

        int Bucket(DateTimeOffset at) => (int)Math.Min(count - 1, (at - from).Ticks / step.Ticks);
        // Keys are compared without case, as skills are matched; a series is labelled with its first spelling in ordinal order.
        List<SpendSeries> Series(Func<Guid, IReadOnlyList<string>, string> keyOf) => attempts
            .GroupBy(a => keyOf(a.AgentId, a.Skills), StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                var values = new decimal[count];
                foreach (var a in g)
                {
                    values[Bucket(a.OfferedAt)] += a.CostUsd;
                }

                return new SpendSeries(g.Select(a => keyOf(a.AgentId, a.Skills)).Min(StringComparer.Ordinal)!, values);
            })
            .OrderByDescending(s => s.Key == Others ? -1 : s.Values.Sum()).ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();

        var byAgent = Series((agentId, _) => labels.GetValueOrDefault(agentId, Others));
        var byArea = Series((_, skills) => skills.Count > 0 ? skills[0] : General);
        // Items worked on in the window, at what they cost in all (as their budget counts it): a 24-hour view is not led by
        // last month's costliest item, and an item resumed today shows its whole cost against its cap.
        var items = await context.WorkItems.AsNoTracking()
            .Where(w => w.GroupId == groupId && w.UsageCostUsd > 0 && context.Assignments.Any(a => a.WorkItemId == w.Id && a.OfferedAt >= from))
            .OrderByDescending(w => w.UsageCostUsd).ThenBy(w => w.Id).Take(TopItems)
            .Select(w => new CostlyItem(w.Id, w.Title, w.UsageCostUsd, w.Attempts))
            .ToListAsync(cancellationToken);
        var budgets = await context.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Budgets).SingleAsync(cancellationToken);
        var month = await BudgetSpend.OfGroupAsync(context, groupId, BudgetPeriods.MonthStart(now), null, cancellationToken);
        return new SpendInsightsView(range, from, step, count, byAgent, byArea, items, budgets.MonthlyUsd, month.CostUsd, budgets.PerAgentDailyUsd, budgets.PerItemUsd);
    }
}

/// <summary>Spend per bucket of one agent (or the rest together) or one area.</summary>
public sealed record SpendSeries(string Key, IReadOnlyList<decimal> Values);

public sealed record CostlyItem(Guid Id, string Title, decimal CostUsd, int Attempts);

/// <summary>The dashboard's spend: over time by agent and by area, the costliest items, and the budgets (null: none set).</summary>
public sealed record SpendInsightsView(
    InsightsRange Range, DateTimeOffset From, TimeSpan Step, int Count, IReadOnlyList<SpendSeries> ByAgent, IReadOnlyList<SpendSeries> ByArea,
    IReadOnlyList<CostlyItem> TopItems, decimal? MonthlyUsd, decimal SpentThisMonthUsd, decimal? PerAgentDailyUsd, decimal? PerItemUsd);
