using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Learning;

/// <summary>The feedback job's work for one group, on both databases, with the shipped MoE model.</summary>
public sealed class SkillFeedbackTests(SkillFeedbackTests.ShippedModels shipped) : IClassFixture<SkillFeedbackTests.ShippedModels>
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Finished_work_tunes_a_head_that_the_group_s_passes_then_use(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 1);
        var groupModels = new GroupSkillModels(shipped.Models, NullLogger<GroupSkillModels>.Instance);

        var outcome = await RunAsync(database, groupId, shipped.Models);

        await using var context = database.NewContext();
        var tuning = await context.GroupSkillTunings.SingleAsync(t => t.GroupId == groupId);
        Assert.Equal(SkillFeedbackOutcome.Adopted, outcome);
        Assert.Equal(BackOffice.LedgerWork.Length + BackOffice.PixelWork.Length + 1, tuning.Examples);
        Assert.Equal(2, tuning.Members);
        Assert.Equal(newest, tuning.ThroughEndedAt);
        Assert.True(tuning.BaseAccuracyBefore - tuning.BaseAccuracyAfter <= new TuningOptions().MaxBaseAccuracyDrop);
        // Every accepted item took 19 minutes from acceptance to result: the estimates move toward that.
        Assert.True(tuning.DurationErrorAfter < tuning.DurationErrorBefore, $"duration error {tuning.DurationErrorBefore} -> {tuning.DurationErrorAfter}");
        Assert.Equal(tuning.Head!.Length, TunedHead.FromSafeTensors(tuning.Head).ToSafeTensors().Length);
        var tuned = await context.TrailEvents.SingleAsync(e => e.GroupId == groupId && e.Type == TrailEventTypes.ModelTuned.Name);
        Assert.Contains("\"adopted\":true", tuned.DataJson, StringComparison.Ordinal);
        Assert.Equal("moe(tuned)+lexical", (await groupModels.ForGroupAsync(context, groupId, CancellationToken.None)).Name);
        Assert.Equal(SkillFeedbackOutcome.NothingNew, await RunAsync(database, groupId, shipped.Models));
    }

    [Fact]
    public async Task Work_that_ends_after_a_tuning_is_tuned_on_again()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        await RunAsync(database, groupId, shipped.Models);

        await BackOffice.AddFinishedAsync(database, groupId, "ledger", "Pay the supplier invoices due this week", newest.AddMinutes(5), AssignmentOutcome.Completed);
        var again = await RunAsync(database, groupId, shipped.Models);

        await using var context = database.NewContext();
        Assert.NotEqual(SkillFeedbackOutcome.NothingNew, again);
        Assert.Equal(newest.AddMinutes(5), (await context.GroupSkillTunings.SingleAsync()).ThroughEndedAt);
        Assert.Equal(2, await context.TrailEvents.CountAsync(e => e.Type == TrailEventTypes.ModelTuned.Name));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Only_groups_with_work_ended_since_their_watermark_are_fanned_out(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (tuned, tunedThrough) = await BackOffice.SeedAsync(database, rejected: 0);
        var (untuned, _) = await BackOffice.SeedAsync(database, rejected: 0);
        var (caughtUp, caughtUpThrough) = await BackOffice.SeedAsync(database, rejected: 0);
        await using (var context = database.NewContext())
        {
            context.Groups.Add(new Group { Id = Guid.CreateVersion7(), Name = "idle", CreatedAt = tunedThrough });
            context.GroupSkillTunings.Add(new GroupSkillTuning { GroupId = tuned, TunedAt = tunedThrough, ThroughEndedAt = tunedThrough.AddMinutes(-3) });
            context.GroupSkillTunings.Add(new GroupSkillTuning { GroupId = caughtUp, TunedAt = caughtUpThrough, ThroughEndedAt = caughtUpThrough });
            await context.SaveChangesAsync();
        }

        await using var reader = database.NewContext();
        var due = await SkillFeedback.GroupsWithNewWorkAsync(reader, CancellationToken.None);

        Assert.Equal(new[] { tuned, untuned }.Order(), due.Order());
    }

    [Fact]
    public async Task Fewer_accepted_items_than_the_minimum_teach_nothing_yet()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, _) = await BackOffice.SeedAsync(database, rejected: 0);

        var outcome = await RunAsync(database, groupId, shipped.Models, minExamples: BackOffice.LedgerWork.Length + BackOffice.PixelWork.Length + 1);

        await using var context = database.NewContext();
        var watermark = await context.GroupSkillTunings.SingleAsync();
        Assert.Equal(SkillFeedbackOutcome.TooFewExamples, outcome);
        Assert.Null(watermark.Head);
        Assert.Empty(await SkillFeedback.GroupsWithNewWorkAsync(context, CancellationToken.None));

    }

    [Fact]
    public async Task With_only_the_lexical_model_there_is_nothing_to_tune()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, _) = await BackOffice.SeedAsync(database, rejected: 0);

        var outcome = await RunAsync(database, groupId, new SkillModels(new LexicalSkillModel()));

        Assert.Equal(SkillFeedbackOutcome.NoModelToTune, outcome);
    }

    [Fact]
    public async Task A_damaged_head_leaves_the_group_on_the_default_model()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, now) = await BackOffice.SeedAsync(database, rejected: 0);
        await using var context = database.NewContext();
        context.GroupSkillTunings.Add(new GroupSkillTuning { GroupId = groupId, Head = [1, 2, 3, 4, 5, 6, 7, 8, 9], TunedAt = now, ThroughEndedAt = now });
        await context.SaveChangesAsync();

        var model = await new GroupSkillModels(shipped.Models, NullLogger<GroupSkillModels>.Instance).ForGroupAsync(context, groupId, CancellationToken.None);

        Assert.Same(shipped.Models.Default, model);
    }

    [Fact]
    public async Task A_later_tuning_is_judged_against_the_group_s_current_head_too()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, newest) = await BackOffice.SeedAsync(database, rejected: 0);
        await RunAsync(database, groupId, shipped.Models);

        await BackOffice.AddFinishedAsync(database, groupId, "ledger", "Pay the supplier invoices due this week", newest.AddMinutes(5), AssignmentOutcome.Completed);
        await RunAsync(database, groupId, shipped.Models);

        await using var context = database.NewContext();
        var events = await context.TrailEvents.Where(e => e.Type == TrailEventTypes.ModelTuned.Name).OrderBy(e => e.Id).Select(e => e.DataJson).ToListAsync();
        Assert.Equal(2, events.Count);
        Assert.False(CurrentHeadScore(events[0]).HasValue);
        Assert.InRange(CurrentHeadScore(events[1])!.Value, 0, 1);
    }

    [Fact]
    public async Task Durations_run_from_acceptance_to_the_agent_s_result_not_to_the_review()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var (groupId, _) = await BackOffice.SeedAsync(database, rejected: 0);
        await using (var context = database.NewContext())
        {
            // Each result came 4 minutes after acceptance; the attempts ended, at approval, 19 minutes after it.
            var accepted = await context.Assignments.ToDictionaryAsync(a => a.WorkItemId, a => a.AcceptedAt!.Value);
            foreach (var result in await context.TrailEvents.Where(e => e.Type == TrailEventTypes.Result.Name).ToListAsync())
            {
                result.At = accepted[result.WorkItemId!.Value].AddMinutes(4);
            }

            await context.SaveChangesAsync();
        }

        await using var reader = database.NewContext();
        var examples = await NewFeedback(reader, shipped.Models).ExamplesAsync(groupId, CancellationToken.None);

        Assert.Equal(BackOffice.LedgerWork.Length + BackOffice.PixelWork.Length, examples.Count);
        Assert.All(examples, e => Assert.Equal(TimeSpan.FromMinutes(4).TotalSeconds, e.DurationSeconds!.Value, 3));
        Assert.Equal(BackOffice.LedgerWork[0], examples[0].Item.Title);
    }

    private static double? CurrentHeadScore(string json)
    {
        using var data = System.Text.Json.JsonDocument.Parse(json);
        return data.RootElement.TryGetProperty("groupAccuracyOfCurrentHead", out var score) && score.ValueKind == System.Text.Json.JsonValueKind.Number
            ? score.GetDouble()
            : null;
    }

    private static async Task<SkillFeedbackOutcome> RunAsync(TestDatabase database, Guid groupId, SkillModels models, int minExamples = 10)
    {
        await using var context = database.NewContext();
        return await NewFeedback(context, models, minExamples).RunAsync(groupId, CancellationToken.None);
    }

    internal static SkillFeedback NewFeedback(ClawDbContext context, SkillModels models, int minExamples = 10) =>
        new(context, models, new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions { FeedbackMinExamples = minExamples }),
            TimeProvider.System, NullLogger<SkillFeedback>.Instance);

    /// <summary>The shipped weights served as the app serves them (blended with the lexical model), loaded once.</summary>
    public sealed class ShippedModels : IDisposable
    {
        private readonly MoeSkillModel _moe = MoeSkillModel.Load(SkillModelFiles.DefaultFolder());

        public ShippedModels() =>
            Models = new SkillModels(_moe, moe => new BlendedSkillModel(moe, new LexicalSkillModel(), 0.6),
                () => SkillCorpus.Load(SkillCorpus.DefaultFolder()), new TuningOptions { ReplayItems = 400, BaseCheckItems = 400 });

        public SkillModels Models { get; }

        public void Dispose() => _moe.Dispose();
    }
}
