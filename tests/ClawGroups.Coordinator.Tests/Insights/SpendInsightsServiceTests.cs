using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Insights;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;

namespace ClawGroups.Coordinator.Tests.Insights;

/// <summary>
/// The dashboard's spend (issue 15, decision 0028) over constructed histories, on both databases. The clock stands at
/// 12:30 UTC on 10 March 2025: the 24-hour window starts at 13:00 on the 9th (bucket 21 is 10:00–11:00 on the 10th), the
/// 14-day window on 25 February, the budget month on 1 March.
/// </summary>
public sealed class SpendInsightsServiceTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 30, 0, TimeSpan.Zero);

    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_attempt_s_cost_lands_in_the_bucket_its_offer_was_made_in(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var zed = history.Agent("zed");
            // Offered at 10:50, still spending when it ended at 11:20: all of it counts at 10:00.
            history.Spent(history.Item("parse logs"), zed, At(10, 50), 5m);
            // Offered an hour before the 24-hour window opened.
            history.Spent(history.Item("index logs"), zed, new DateTimeOffset(2025, 3, 9, 12, 0, 0, TimeSpan.Zero), 7m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var day = await GetAsync(database, groupId, InsightsRange.Day);
        var fortnight = await GetAsync(database, groupId, InsightsRange.Fortnight);

        Assert.Equal(24, day.Count);
        Assert.Equal(Only(24, (21, 5m)), Assert.Single(day.ByAgent).Values);
        Assert.Equal(14, fortnight.Count);
        Assert.Equal(Only(14, (12, 7m), (13, 5m)), Assert.Single(fortnight.ByAgent).Values);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task By_agent_the_five_that_spent_most_are_named_costliest_first_and_the_rest_are_others_last(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var item = history.Item("shared work");
            var zed = history.Agent("zed");
            // zed's total is the largest though its costliest single attempt (2.75) is below bob's one (3).
            history.Spent(item, zed, At(11, 0), 2.25m);
            history.Spent(item, zed, At(11, 10), 2.75m);
            foreach (var (name, cost) in new[] { ("bob", 3m), ("yan", 2.5m), ("abe", 2m), ("max", 1.5m), ("ann", 1m), ("cat", 0.5m) })
            {
                history.Spent(item, history.Agent(name), At(11, 20), cost);
            }

            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        // "others" (ann and cat, 1.50) ties with max and still comes last.
        Assert.Equal(["zed", "bob", "yan", "abe", "max", SpendInsightsService.Others], spend.ByAgent.Select(s => s.Key));
        Assert.Equal(Only(24, (22, 1.5m)), spend.ByAgent[^1].Values);
        Assert.Equal(Only(24, (22, 5m)), spend.ByAgent[0].Values);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Agents_that_spent_the_same_are_ranked_by_name(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var item = history.Item("shared work");
            foreach (var name in new[] { "fay", "eve", "dan", "cat", "bob", "abe" })
            {
                history.Spent(item, history.Agent(name), At(11, 0), 1m);
            }

            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal(["abe", "bob", "cat", "dan", "eve", SpendInsightsService.Others], spend.ByAgent.Select(s => s.Key));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Agents_sharing_a_name_draw_a_line_each_and_an_agent_called_others_is_not_the_rest(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId, firstZed, secondZed, calledOthers;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var item = history.Item("shared work");
            var zed = history.Agent("zed");
            var otherZed = history.Agent("Zed");
            var others = history.Agent("others");
            history.Spent(item, zed, At(11, 0), 3m);
            history.Spent(item, otherZed, At(11, 0), 2m);
            history.Spent(item, others, At(11, 0), 1m);
            await context.SaveChangesAsync();
            (groupId, firstZed, secondZed, calledOthers) = (history.GroupId, zed.Id, otherZed.Id, others.Id);
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal(
            [($"zed ({Tail(firstZed)})", 3m), ($"Zed ({Tail(secondZed)})", 2m), ($"others ({Tail(calledOthers)})", 1m)],
            spend.ByAgent.Select(s => (s.Key, s.Values.Sum())));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Areas_that_differ_only_in_case_are_one_area(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var zed = history.Agent("zed");
            history.Spent(history.Item("api", "backend"), zed, At(11, 0), 1m);
            history.Spent(history.Item("jobs", "Backend"), zed, At(11, 0), 2m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal([("Backend", 3m)], spend.ByArea.Select(s => (s.Key, s.Values.Sum())));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task By_area_an_attempt_counts_under_its_item_s_first_required_skill_else_general(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var zed = history.Agent("zed");
            var bob = history.Agent("bob");
            history.Spent(history.Item("api", "backend", "sql"), zed, At(9, 0), 3m);
            history.Spent(history.Item("migration", "backend"), bob, At(11, 0), 1m);
            history.Spent(history.Item("page", "frontend"), bob, At(11, 0), 2m);
            history.Spent(history.Item("notes"), zed, At(11, 0), 1.5m);
            history.Spent(history.Item("query", "sql"), zed, At(11, 0), 0.5m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal(["backend", "frontend", SpendInsightsService.General, "sql"], spend.ByArea.Select(s => s.Key));
        Assert.Equal(Only(24, (20, 3m), (22, 1m)), spend.ByArea[0].Values);
        Assert.Equal([4m, 2m, 1.5m, 0.5m], spend.ByArea.Select(s => s.Values.Sum()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_costliest_ten_items_come_most_expensive_first_with_their_attempts(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var zed = history.Agent("zed");
            for (var cost = 1; cost <= 11; cost++)
            {
                history.Spent(history.Item($"item {cost}"), zed, At(10, cost), cost);
            }

            // Two attempts: the item's cost is their sum, the costliest of all.
            var twice = history.Item("item twice");
            history.Spent(twice, zed, At(8, 0), 6m, AssignmentOutcome.Rejected);
            history.Spent(twice, zed, At(9, 0), 6.5m);
            history.Spent(history.Item("free"), zed, At(11, 0), 0m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal(SpendInsightsService.TopItems, spend.TopItems.Count);
        Assert.Equal(
            ["item twice", "item 11", "item 10", "item 9", "item 8", "item 7", "item 6", "item 5", "item 4", "item 3"],
            spend.TopItems.Select(i => i.Title));
        Assert.Equal((12.5m, 2), (spend.TopItems[0].CostUsd, spend.TopItems[0].Attempts));
        Assert.Equal((11m, 1), (spend.TopItems[1].CostUsd, spend.TopItems[1].Attempts));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_costliest_items_are_those_worked_on_in_the_window_at_their_whole_cost(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            var zed = history.Agent("zed");
            history.Spent(history.Item("last month's big job"), zed, new DateTimeOffset(2025, 2, 1, 9, 0, 0, TimeSpan.Zero), 90m);
            // Begun before the window, tried again in it: the list shows what the item cost in all, as its budget counts it.
            var resumed = history.Item("resumed");
            history.Spent(resumed, zed, new DateTimeOffset(2025, 3, 2, 9, 0, 0, TimeSpan.Zero), 8m, AssignmentOutcome.Stalled);
            history.Spent(resumed, zed, At(11, 0), 1m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var day = await GetAsync(database, groupId, InsightsRange.Day);
        var fortnight = await GetAsync(database, groupId, InsightsRange.Fortnight);

        Assert.Equal([("resumed", 9m, 2)], day.TopItems.Select(i => (i.Title, i.CostUsd, i.Attempts)));
        Assert.Equal(["resumed"], fortnight.TopItems.Select(i => i.Title));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Work_that_cost_nothing_draws_no_line(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid paidGroup, freeGroup;
        await using (var context = database.NewContext())
        {
            var paid = SpendHistory.Start(context, "paid", Now);
            paid.Spent(paid.Item("paid work", "backend"), paid.Agent("hosted"), At(11, 0), 2m);
            paid.Spent(paid.Item("local work", "docs"), paid.Agent("local"), At(11, 0), 0m);
            var free = SpendHistory.Start(context, "free", Now);
            free.Spent(free.Item("local work"), free.Agent("local"), At(11, 0), 0m);
            await context.SaveChangesAsync();
            (paidGroup, freeGroup) = (paid.GroupId, free.GroupId);
        }

        var somePaid = await GetAsync(database, paidGroup, InsightsRange.Day);
        var noneSpent = await GetAsync(database, freeGroup, InsightsRange.Day);

        Assert.Equal(["hosted"], somePaid.ByAgent.Select(s => s.Key));
        Assert.Equal(["backend"], somePaid.ByArea.Select(s => s.Key));
        // Empty series are what the dashboard reads as "Nothing spent in this window".
        Assert.Empty(noneSpent.ByAgent);
        Assert.Empty(noneSpent.ByArea);
        Assert.Empty(noneSpent.TopItems);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_month_s_spend_counts_from_the_first_of_the_month_and_the_budgets_are_as_set(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var budgets = new GroupBudgets { MonthlyUsd = 100m, PerAgentDailyUsd = 5m, PerItemUsd = 3m, PerItemTokens = 9000 };
            var history = SpendHistory.Start(context, "spend", Now, budgets);
            var zed = history.Agent("zed");
            var item = history.Item("long haul");
            history.Spent(item, zed, At(11, 0), 2m);
            history.Spent(item, zed, new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), 3m, AssignmentOutcome.Stalled);
            // A review costs too, and budgets count it.
            history.Spent(item, history.Agent("bob"), At(11, 30), 0.25m, role: AssignmentRole.Review);
            history.Spent(item, zed, new DateTimeOffset(2025, 2, 28, 23, 59, 0, TimeSpan.Zero), 40m, AssignmentOutcome.Stalled);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal(5.25m, spend.SpentThisMonthUsd);
        Assert.Equal((100m, 5m, 3m), (spend.MonthlyUsd, spend.PerAgentDailyUsd, spend.PerItemUsd));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_group_without_budgets_has_no_lines_to_draw(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var history = SpendHistory.Start(context, "spend", Now);
            history.Spent(history.Item("work"), history.Agent("zed"), At(11, 0), 2m);
            await context.SaveChangesAsync();
            groupId = history.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Fortnight);

        Assert.Equal(2m, spend.SpentThisMonthUsd);
        Assert.Equal((null, null, null), (spend.MonthlyUsd, spend.PerAgentDailyUsd, spend.PerItemUsd));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Another_group_s_spend_never_counts(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        Guid groupId;
        await using (var context = database.NewContext())
        {
            var ours = SpendHistory.Start(context, "ours", Now);
            ours.Spent(ours.Item("ours", "backend"), ours.Agent("zed"), At(11, 0), 1m);
            var theirs = SpendHistory.Start(context, "theirs", Now);
            var theirZed = theirs.Agent("zed");
            theirs.Spent(theirs.Item("theirs", "backend"), theirZed, At(11, 0), 50m);
            theirs.Spent(theirs.Item("their other", "design"), theirs.Agent("kim"), At(10, 0), 20m);
            await context.SaveChangesAsync();
            groupId = ours.GroupId;
        }

        var spend = await GetAsync(database, groupId, InsightsRange.Day);

        Assert.Equal([("zed", 1m)], spend.ByAgent.Select(s => (s.Key, s.Values.Sum())));
        Assert.Equal([("backend", 1m)], spend.ByArea.Select(s => (s.Key, s.Values.Sum())));
        Assert.Equal(["ours"], spend.TopItems.Select(i => i.Title));
        Assert.Equal(1m, spend.SpentThisMonthUsd);
    }

    [Fact]
    public async Task A_person_of_another_group_and_an_agent_of_this_one_are_refused()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        Guid groupId, agentId, stranger;
        await using (var context = database.NewContext())
        {
            var ours = SpendHistory.Start(context, "ours", Now);
            var zed = ours.Agent("zed");
            ours.Spent(ours.Item("ours"), zed, At(11, 0), 1m);
            var theirs = SpendHistory.Start(context, "theirs", Now);
            stranger = theirs.Person("pat");
            await context.SaveChangesAsync();
            (groupId, agentId) = (ours.GroupId, zed.Id);
        }

        var person = await TryGetAsync(database, new Caller(MemberKind.Human, stranger, "pat"), groupId);
        var agent = await TryGetAsync(database, new Caller(MemberKind.Agent, agentId, "zed", AgentGroupId: groupId), groupId);

        Assert.Equal(FailureKind.Forbidden, person.Failure?.Kind);
        Assert.Equal(FailureKind.Forbidden, agent.Failure?.Kind);
    }

    private static string Tail(Guid agentId) => agentId.ToString("N")[^6..];

    private static DateTimeOffset At(int hour, int minute) => new(2025, 3, 10, hour, minute, 0, TimeSpan.Zero);

    /// <summary>Zeros in every bucket but the given ones.</summary>
    private static decimal[] Only(int count, params (int Index, decimal Value)[] buckets)
    {
        var values = new decimal[count];
        foreach (var (index, value) in buckets)
        {
            values[index] = value;
        }

        return values;
    }

    private static async Task<SpendInsightsView> GetAsync(TestDatabase database, Guid groupId, InsightsRange range)
    {
        var owner = new Caller(MemberKind.Human, Guid.NewGuid(), "owner", IsInstanceOwner: true);
        var outcome = await TryGetAsync(database, owner, groupId, range);
        Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
        return outcome.Value!;
    }

    private static async Task<Outcome<SpendInsightsView>> TryGetAsync(
        TestDatabase database, Caller caller, Guid groupId, InsightsRange range = InsightsRange.Day)
    {
        await using var context = database.NewContext();
        return await new SpendInsightsService(context, new FixedTime(Now)).GetAsync(caller, groupId, range, default);
    }
}
