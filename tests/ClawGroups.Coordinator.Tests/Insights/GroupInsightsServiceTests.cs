using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Insights;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Insights;

/// <summary>
/// A constructed history: alpha finishes three items (10, 20 and 30 minutes from offer to done) and stalls once; the
/// stalled item goes to beta, whose result is rejected, and is offered to beta again. One older item was done three
/// days ago. Figures are checked on both databases.
/// </summary>
public sealed class GroupInsightsServiceTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 30, 0, TimeSpan.Zero);

    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_last_24_hours_count_done_work_stalls_and_reassignments_per_hour_and_per_agent(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var history = await SeedAsync(database);

        var insights = await GetAsync(database, history, InsightsRange.Day);

        Assert.Equal(new DateTimeOffset(2025, 3, 9, 13, 0, 0, TimeSpan.Zero), insights.From);
        Assert.Equal(24, insights.Buckets.Count);
        var nonEmpty = insights.Buckets.Where(b => b.Done + b.Stalls + b.Reassignments > 0)
            .Select(b => (b.Start.Hour, b.Done, b.Stalls, b.Reassignments)).ToList();
        Assert.Equal([(7, 1, 0, 0), (9, 2, 0, 0), (10, 0, 1, 1), (11, 0, 0, 1)], nonEmpty);
        Assert.Equal(new InsightsTotals(Items: 6, OpenItems: 2, Done: 3, Stalls: 1, Reassignments: 2, SuccessRate: 0.6,
            MeanTimeToDone: TimeSpan.FromMinutes(20)), insights.Totals);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_agent_gets_its_success_rate_and_mean_time_from_offer_to_done(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var history = await SeedAsync(database);

        var insights = await GetAsync(database, history, InsightsRange.Day);

        Assert.Equal(
            [
                new AgentInsights(history.Alpha, "alpha", "online", Done: 3, Stalled: 1, Rejected: 0, Declined: 0, SuccessRate: 0.75,
                    MeanTimeToDone: TimeSpan.FromMinutes(20)),
                new AgentInsights(history.Beta, "beta", "busy", Done: 0, Stalled: 0, Rejected: 1, Declined: 0, SuccessRate: 0, MeanTimeToDone: null),
            ],
            insights.Agents);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_last_14_days_count_per_day_and_include_older_work(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var history = await SeedAsync(database);

        var insights = await GetAsync(database, history, InsightsRange.Fortnight);

        Assert.Equal(new DateTimeOffset(2025, 2, 25, 0, 0, 0, TimeSpan.Zero), insights.From);
        Assert.Equal(14, insights.Buckets.Count);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 3], insights.Buckets.Select(b => b.Done));
        Assert.Equal(4, insights.Totals.Done);
        Assert.Equal(1, insights.ItemsByState.Single(s => s.State == "inProgress").Count);
        Assert.Equal(4, insights.ItemsByState.Single(s => s.State == "done").Count);
    }

    [Fact]
    public async Task A_group_without_work_has_empty_figures_not_errors()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var groupId = Guid.CreateVersion7();
        await using (var context = database.NewContext())
        {
            context.Groups.Add(new Group { Id = groupId, Name = "empty", CreatedAt = Now });
            await context.SaveChangesAsync();
        }

        var insights = await GetAsync(database, new History(groupId, Guid.Empty, Guid.Empty), InsightsRange.Day);

        Assert.Equal(new InsightsTotals(0, 0, 0, 0, 0, null, null), insights.Totals);
        Assert.All(insights.Buckets, b => Assert.Equal(0, b.Done + b.Stalls + b.Reassignments));
        Assert.Empty(insights.Agents);
    }

    [Fact]
    public async Task A_human_of_another_group_is_refused()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var history = await SeedAsync(database);
        await using var context = database.NewContext();
        var stranger = new Caller(MemberKind.Human, Guid.NewGuid(), "stranger");

        var outcome = await new GroupInsightsService(context, new FixedTime(Now)).GetAsync(stranger, history.GroupId, InsightsRange.Day, default);

        Assert.Equal(FailureKind.Forbidden, outcome.Failure?.Kind);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_group_s_adopted_tuning_is_shown_and_a_tuning_without_a_head_is_not(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var history = await SeedAsync(database);
        var untuned = await GetAsync(database, history, InsightsRange.Day);
        await using (var context = database.NewContext())
        {
            context.GroupSkillTunings.Add(new GroupSkillTuning
            {
                GroupId = history.GroupId, TunedAt = Now.AddMinutes(-30), ThroughEndedAt = Now.AddHours(-1), Examples = 5,
            });
            await context.SaveChangesAsync();
        }

        var refused = await GetAsync(database, history, InsightsRange.Day);
        await using (var context = database.NewContext())
        {
            var tuning = await context.GroupSkillTunings.SingleAsync();
            (tuning.Head, tuning.Members, tuning.GroupAccuracyBefore, tuning.GroupAccuracyAfter) = ([1, 2, 3], 2, 0.6, 0.8);
            (tuning.BaseAccuracyBefore, tuning.BaseAccuracyAfter, tuning.DurationErrorBefore, tuning.DurationErrorAfter) = (0.46, 0.45, 1.1, 0.05);
            await context.SaveChangesAsync();
        }

        var tuned = await GetAsync(database, history, InsightsRange.Day);

        Assert.Null(untuned.Tuning);
        Assert.Null(refused.Tuning);
        Assert.Equal(new SkillTuningView(Now.AddMinutes(-30), 5, 2, 0.6, 0.8, 0.46, 0.45, 1.1, 0.05), tuned.Tuning);
    }

    private static async Task<GroupInsightsView> GetAsync(TestDatabase database, History history, InsightsRange range)
    {
        await using var context = database.NewContext();
        var owner = new Caller(MemberKind.Human, Guid.NewGuid(), "owner", IsInstanceOwner: true);
        var outcome = await new GroupInsightsService(context, new FixedTime(Now)).GetAsync(owner, history.GroupId, range, default);
        Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
        return outcome.Value!;
    }

    private sealed record History(Guid GroupId, Guid Alpha, Guid Beta);

    private static async Task<History> SeedAsync(TestDatabase database)
    {
        var group = new Group { Id = Guid.CreateVersion7(), Name = "insights", CreatedAt = Now.AddDays(-30) };
        var alpha = NewAgent(group.Id, "alpha", AgentStatus.Online);
        var beta = NewAgent(group.Id, "beta", AgentStatus.Busy);
        var revokedIdle = NewAgent(group.Id, "gone", AgentStatus.Revoked);
        await using var context = database.NewContext();
        context.Groups.Add(group);
        context.Agents.AddRange(alpha, beta, revokedIdle);

        Done(context, group.Id, alpha.Id, offered: At(7, 30), minutes: 10);
        Done(context, group.Id, alpha.Id, offered: At(9, 30), minutes: 20);
        var third = Done(context, group.Id, alpha.Id, offered: At(9, 0), minutes: 30);
        Done(context, group.Id, alpha.Id, offered: Now.AddDays(-3), minutes: 60);
        // A review of the third item: reviews are not work attempts and count for nothing here.
        context.Assignments.Add(Attempt(third, beta.Id, 1, At(9, 31), At(9, 40), AssignmentOutcome.Completed, AssignmentRole.Review));

        var troubled = Item(group.Id, WorkItemState.InProgress);
        context.WorkItems.Add(troubled);
        context.Assignments.AddRange(
            Attempt(troubled, alpha.Id, 1, At(10, 0), At(10, 15), AssignmentOutcome.Stalled),
            Attempt(troubled, beta.Id, 2, At(10, 20), At(11, 0), AssignmentOutcome.Rejected),
            Attempt(troubled, beta.Id, 3, At(11, 5), null, AssignmentOutcome.Active));
        context.WorkItems.Add(Item(group.Id, WorkItemState.Ready));
        await context.SaveChangesAsync();
        return new History(group.Id, alpha.Id, beta.Id);
    }

    private static DateTimeOffset At(int hour, int minute) => new(2025, 3, 10, hour, minute, 0, TimeSpan.Zero);

    private static WorkItem Done(ClawDbContext context, Guid groupId, Guid agentId, DateTimeOffset offered, int minutes)
    {
        var item = Item(groupId, WorkItemState.Done);
        context.WorkItems.Add(item);
        context.Assignments.Add(Attempt(item, agentId, 1, offered, offered.AddMinutes(minutes), AssignmentOutcome.Completed));
        return item;
    }

    private static WorkItem Item(Guid groupId, WorkItemState state) => new()
    {
        Id = Guid.CreateVersion7(), GroupId = groupId, Title = $"item in {state}", State = state, StateChangedAt = Now,
        CreatedAt = Now.AddDays(-4), UpdatedAt = Now, CreatedByKind = MemberKind.Human,
    };

    private static Assignment Attempt(
        WorkItem item, Guid agentId, int attempt, DateTimeOffset offered, DateTimeOffset? ended, AssignmentOutcome outcome,
        AssignmentRole role = AssignmentRole.Work) => new()
    {
        Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = item.GroupId, MemberKind = MemberKind.Agent, AgentId = agentId,
        Attempt = attempt, Role = role, OfferedAt = offered, AcceptedAt = offered.AddMinutes(1), EndedAt = ended, Outcome = outcome,
    };

    private static Agent NewAgent(Guid groupId, string name, AgentStatus status) => new()
    {
        Id = Guid.CreateVersion7(), GroupId = groupId, Name = name, Status = status, RegisteredAt = Now.AddDays(-20),
        ApiKeyHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), ApiKeyPrefix = "cg_agent_x",
    };
}

/// <summary>A clock that stands still at the given instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
