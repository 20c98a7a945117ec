using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Tests.Moe;
using ClawGroups.Inference.Tuning;

namespace ClawGroups.Inference.Tests.Tuning;

/// <summary>Tuning the shipped model's head on the real-style tasks, as if they were a group's finished work.</summary>
public sealed class SkillHeadTunerTests : IClassFixture<MoeSkillModelTests.ShippedModel>
{
    private static readonly TuningOptions Quick = new() { ReplayItems = 400, BaseCheckItems = 400, LearningRate = 0.005, AnchorWeight = 0.3 };

    private readonly MoeSkillModel _model;
    private readonly SkillCorpus _corpus = SkillCorpus.Load(SkillCorpus.DefaultFolder());
    private readonly RealStyleEvalSet _group = RealStyleEvalSet.Load(SkillCorpus.DefaultFolder());

    public SkillHeadTunerTests(MoeSkillModelTests.ShippedModel shipped)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        _model = shipped.Model;
    }

    [Fact]
    public void The_work_a_head_learned_from_routes_better_and_the_served_head_scores_what_was_measured()
    {
        var report = new SkillHeadTuner(_model, _corpus, Quick with { MinAcceptedToValidate = int.MaxValue }).Tune(Examples(), CancellationToken.None);

        using var tuned = _model.WithHead(report.Head);
        Assert.Equal(0, report.Validated);
        Assert.True(report.GroupAfter > report.GroupBefore, $"own work {report.GroupBefore:F2} -> {report.GroupAfter:F2}");
        Assert.Equal(report.GroupBefore, RealStyleEvaluation.RoutingAccuracy(_model, _group), 2);
        Assert.Equal(report.GroupAfter, RealStyleEvaluation.RoutingAccuracy(tuned, _group), 2);
        Assert.Equal(_group.Cards.Count, report.Members);
    }

    [Fact]
    public void With_enough_work_the_newest_is_held_out_and_a_head_that_routes_it_worse_is_not_adopted()
    {
        // All the older work was done by one member, whatever it was, and the newest by the right ones: a head that learns the
        // old habit sends the newest work to that member too, and the gate must see it.
        var examples = Examples();
        var newest = examples.Count - (int)Math.Ceiling(examples.Count * Quick.ValidationShare);
        var everything = _group.Profiles()[0];
        var misled = examples.Select((e, i) => i < newest ? e with { Profile = everything } : e).ToList();

        var report = new SkillHeadTuner(_model, _corpus, Quick).Tune(misled, CancellationToken.None);

        // The newest fifth, which the head never saw, judges it among the members the work names: measured here on its own,
        // with the base model.
        var members = misled.Select(e => e.Profile.Name).ToHashSet(StringComparer.Ordinal);
        var held = new RealStyleEvalSet(_group.Cards.Where(card => members.Contains(card.Name)).ToList(), _group.Tasks.Skip(newest).ToList());
        Assert.Equal(held.Tasks.Count, report.Validated);
        Assert.Equal(RealStyleEvaluation.RoutingAccuracy(_model, held), report.GroupBefore, 2);
        Assert.True(report.GroupAfter < report.GroupBefore, $"newest work {report.GroupBefore:F2} -> {report.GroupAfter:F2}");
        Assert.False(report.Adopted);
    }

    [Fact]
    public void The_base_skills_are_measured_before_and_after_and_a_head_that_lost_them_is_not_adopted()
    {
        var careless = Quick with { ReplayWeight = 0, AnchorWeight = 0, LearningRate = 0.05, Steps = 150 };

        var kept = new SkillHeadTuner(_model, _corpus, Quick).Tune(Examples(), CancellationToken.None);
        var forgot = new SkillHeadTuner(_model, _corpus, careless).Tune(Examples(), CancellationToken.None);

        Assert.Equal(kept.BaseBefore, forgot.BaseBefore, 6);
        Assert.True(forgot.BaseAfter < kept.BaseAfter, $"without replay {forgot.BaseAfter:F3}, with {kept.BaseAfter:F3}");
        Assert.False(forgot.Adopted, $"base {forgot.BaseBefore:F3} -> {forgot.BaseAfter:F3}");
    }

    [Fact]
    public void A_group_whose_work_takes_three_times_longer_is_estimated_closer_after_tuning()
    {
        var examples = Examples();
        var estimates = _model.ExpectedDurationSeconds(examples.Select(e => e.Item).ToList(), CancellationToken.None);
        var slower = examples.Select((e, i) => e with { DurationSeconds = 3 * estimates[i]!.Value }).ToList();

        var report = new SkillHeadTuner(_model, _corpus, Quick).Tune(slower, CancellationToken.None);

        using var tuned = _model.WithHead(report.Head);
        var newest = slower[^1];
        Assert.Equal(Math.Log(3), report.DurationErrorBefore!.Value, 3);
        Assert.True(report.DurationErrorAfter < report.DurationErrorBefore / 2, $"median |ln ratio| {report.DurationErrorBefore:F3} -> {report.DurationErrorAfter:F3}");
        var estimate = tuned.ExpectedDurationSeconds([newest.Item], CancellationToken.None)[0]!.Value;
        Assert.True(Math.Abs(Math.Log(estimate / newest.DurationSeconds!.Value)) < Math.Log(3) / 2, $"{estimate:F0} s for {newest.DurationSeconds:F0} s");
    }

    [Fact]
    public void Work_by_a_single_member_teaches_no_choice_and_is_refused()
    {
        var card = _group.Profiles()[0];
        var examples = _group.Items().Take(5).Select(item => new TuningExample(item, card, Succeeded: true)).ToList();

        var refused = Assert.Throws<ArgumentException>(() => new SkillHeadTuner(_model, _corpus, Quick).Tune(examples, CancellationToken.None));

        Assert.Contains("at least two members", refused.Message, StringComparison.Ordinal);
    }

    private List<TuningExample> Examples()
    {
        var cards = _group.Profiles();
        return _group.Items().Select((item, i) => new TuningExample(item, cards.Single(c => c.Name == _group.Tasks[i].Card), Succeeded: true)).ToList();
    }
}
