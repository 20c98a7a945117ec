using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Learning;

/// <summary>People's corrections teach the group's model next to finished work: what each one says, on both databases.</summary>
public sealed class SkillFeedbackLabelTests
{
    private const string Pdf = "Fix the layout of the invoice PDF";
    private static readonly Caller Ada = new(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true);
    private static readonly SkillModels Lexical = new(new LexicalSkillModel());

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_person_s_reassignment_says_the_chosen_member_fits_and_the_one_it_was_taken_from_does_not(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        var item = await AddAttemptsAsync(database, groupId, WorkItemState.Assigned, new Attempt("ledger", AssignmentOutcome.Active, newest.AddMinutes(1)));
        await using (var context = database.NewContext())
        {
            var pixel = await context.Agents.SingleAsync(a => a.GroupId == groupId && a.Name == "pixel");
            var moved = await HumanWork(context).ReassignAsync(Ada, item, new ReassignRequest(pixel.Id), CancellationToken.None);
            Assert.True(moved.Succeeded, moved.Failure?.Detail);
        }

        var labels = await LabelsAsync(database, groupId);

        Assert.Equal([("ledger", false), ("pixel", true)], labels);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task After_a_decline_the_member_that_accepts_fits_before_it_finishes(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        await AddAttemptsAsync(database, groupId, WorkItemState.InProgress,
            new Attempt("ledger", AssignmentOutcome.Declined, newest.AddMinutes(1), EndedAt: newest.AddMinutes(2)),
            new Attempt("pixel", AssignmentOutcome.Active, newest.AddMinutes(3), AcceptedAt: newest.AddMinutes(4)));

        var labels = await LabelsAsync(database, groupId);

        Assert.Equal([("ledger", false), ("pixel", true)], labels);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_rejected_result_stays_a_negative_even_from_the_member_a_person_chose(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        await AddAttemptsAsync(database, groupId, WorkItemState.Ready,
            new Attempt("pixel", AssignmentOutcome.Rejected, newest.AddMinutes(1), newest.AddMinutes(2), newest.AddMinutes(9), ChosenByPerson: true));

        var labels = await LabelsAsync(database, groupId);

        Assert.Equal([("pixel", false)], labels);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_person_s_pick_after_the_last_tuning_is_news_for_the_fan_out(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        await using (var context = database.NewContext())
        {
            context.GroupSkillTunings.Add(new GroupSkillTuning { GroupId = groupId, TunedAt = newest, ThroughEndedAt = newest });
            await context.SaveChangesAsync();
        }

        await AddAttemptsAsync(database, groupId, WorkItemState.Assigned, new Attempt("pixel", AssignmentOutcome.Active, newest.AddMinutes(1), ChosenByPerson: true));

        await using var reader = database.NewContext();
        Assert.Equal([groupId], await SkillFeedback.GroupsWithNewWorkAsync(reader, CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_hand_back_after_a_takeover_says_the_agent_it_was_taken_from_does_not_fit(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        var item = await AddAttemptsAsync(database, groupId, WorkItemState.InProgress,
            new Attempt("ledger", AssignmentOutcome.Active, newest.AddMinutes(1), AcceptedAt: newest.AddMinutes(2)));

        await HandBackAfterTakeoverAsync(database, item, new HandBackRequest("Front-end please"));

        Assert.Equal([("ledger", false)], await LabelsAsync(database, groupId));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_hand_back_that_asks_for_the_same_agent_teaches_nothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        var item = await AddAttemptsAsync(database, groupId, WorkItemState.InProgress,
            new Attempt("ledger", AssignmentOutcome.Active, newest.AddMinutes(1), AcceptedAt: newest.AddMinutes(2)));

        await HandBackAfterTakeoverAsync(database, item, new HandBackRequest("I only fixed the totals row", SameMember: true));

        Assert.Empty(await LabelsAsync(database, groupId));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_reassignment_with_a_note_labels_as_one_without(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        var item = await AddAttemptsAsync(database, groupId, WorkItemState.Assigned, new Attempt("ledger", AssignmentOutcome.Active, newest.AddMinutes(1)));
        await using (var context = database.NewContext())
        {
            var pixel = await context.Agents.SingleAsync(a => a.GroupId == groupId && a.Name == "pixel");
            var moved = await HumanWork(context).ReassignAsync(Ada, item, new ReassignRequest(pixel.Id, "The layout is front-end work"), CancellationToken.None);
            Assert.True(moved.Succeeded, moved.Failure?.Detail);
        }

        Assert.Equal([("ledger", false), ("pixel", true)], await LabelsAsync(database, groupId));
    }

    [Fact]
    public async Task An_attempt_ended_as_reassigned_when_no_person_chose_the_next_member_teaches_nothing()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        // As when a person accepts a late result: the running attempt is told to stop, and no one was chosen over it.
        await AddAttemptsAsync(database, groupId, WorkItemState.Done, new Attempt("ledger", AssignmentOutcome.Reassigned, newest.AddMinutes(1), EndedAt: newest.AddMinutes(2)));

        Assert.Empty(await LabelsAsync(database, groupId));
    }

    /// <summary>The labels the group's next tuning would learn for <see cref="Pdf"/>: agent name and whether it fits, ordered.</summary>
    private static async Task<List<(string Agent, bool Fits)>> LabelsAsync(TestDatabase database, Guid groupId)
    {
        await using var context = database.NewContext();
        var examples = await SkillFeedbackTests.NewFeedback(context, Lexical).ExamplesAsync(groupId, CancellationToken.None);
        return examples.Where(e => e.Item.Title == Pdf).Select(e => (e.Profile.Name, e.Succeeded)).Order().ToList();
    }

    private static async Task HandBackAfterTakeoverAsync(TestDatabase database, Guid item, HandBackRequest handBack)
    {
        await using (var context = database.NewContext())
        {
            var taken = await HumanWork(context).TakeOverAsync(Ada, item, CancellationToken.None);
            Assert.True(taken.Succeeded, taken.Failure?.Detail);
        }

        await using (var context = database.NewContext())
        {
            var handed = await HumanWork(context).HandBackAsync(Ada, item, handBack, CancellationToken.None);
            Assert.True(handed.Succeeded, handed.Failure?.Detail);
        }
    }

    private static HumanWorkService HumanWork(ClawDbContext context)
    {
        var lifecycle = new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance);
        return new HumanWorkService(context, lifecycle, new WorkItemService(context, lifecycle),
            new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions()));
    }

    /// <summary>An attempt at <see cref="Pdf"/> by the named agent, numbered in the order given.</summary>
    private sealed record Attempt(
        string Agent, AssignmentOutcome Outcome, DateTimeOffset OfferedAt, DateTimeOffset? AcceptedAt = null, DateTimeOffset? EndedAt = null, bool ChosenByPerson = false);

    private static async Task<Guid> AddAttemptsAsync(TestDatabase database, Guid groupId, WorkItemState state, params Attempt[] attempts)
    {
        await using var context = database.NewContext();
        var agents = await context.Agents.Where(a => a.GroupId == groupId).ToDictionaryAsync(a => a.Name, a => a.Id);
        var at = attempts[0].OfferedAt;
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(), GroupId = groupId, Title = Pdf, State = state, Attempts = attempts.Length, CreatedAt = at, UpdatedAt = at, StateChangedAt = at,
            CreatedByKind = MemberKind.Human,
        };
        foreach (var (attempt, number) in attempts.Select((a, i) => (a, i + 1)))
        {
            var assignment = new Assignment
            {
                Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = groupId, MemberKind = MemberKind.Agent, AgentId = agents[attempt.Agent], Attempt = number,
                OfferedAt = attempt.OfferedAt, AcceptedAt = attempt.AcceptedAt, EndedAt = attempt.EndedAt, Outcome = attempt.Outcome,
                ChosenByUserId = attempt.ChosenByPerson ? Ada.Id : null,
            };
            item.Assignments.Add(assignment);
            if (attempt.Outcome == AssignmentOutcome.Active)
            {
                (item.CurrentAssignmentId, item.AssigneeKind, item.AssigneeAgentId) = (assignment.Id, MemberKind.Agent, assignment.AgentId);
            }
        }

        context.WorkItems.Add(item);
        await context.SaveChangesAsync();
        return item.Id;
    }
}
