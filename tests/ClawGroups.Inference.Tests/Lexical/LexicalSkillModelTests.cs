using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tests.Skills;

namespace ClawGroups.Inference.Tests.Lexical;

public sealed class LexicalSkillModelTests
{
    private readonly LexicalSkillModel _model = new();

    [Fact]
    public void Item_sharing_words_with_a_profile_scores_it_above_the_others()
    {
        var scores = _model.Score([SampleProfiles.Item("Reconciliation of the ledger for March")], SampleProfiles.All, CancellationToken.None);

        Assert.True(scores.Score(0, 1) > scores.Score(0, 0));
        Assert.True(scores.Score(0, 1) > scores.Score(0, 2));
    }

    [Fact]
    public void Best_skill_points_at_the_matching_skill_of_a_multi_skill_profile()
    {
        var scores = _model.Score([SampleProfiles.Item("Translate the release notes; localization for Japan")], SampleProfiles.All, CancellationToken.None);

        Assert.Equal(1, scores.BestSkill(0, 2));
    }

    [Fact]
    public void Required_skill_named_by_tag_decides_when_the_text_says_nothing()
    {
        var scores = _model.Score([SampleProfiles.Item("Ticket 4411", "i18n")], SampleProfiles.All, CancellationToken.None);

        Assert.True(scores.Score(0, 2) > 0);
        Assert.Equal(0f, scores.Score(0, 0));
        Assert.Equal(1, scores.BestSkill(0, 2));
    }

    [Fact]
    public void Item_with_no_word_in_common_scores_zero_with_no_best_skill()
    {
        var scores = _model.Score([SampleProfiles.Item("zzz qqq")], SampleProfiles.All, CancellationToken.None);

        Assert.All(Enumerable.Range(0, 3), profile => Assert.Equal(0f, scores.Score(0, profile)));
        Assert.All(Enumerable.Range(0, 3), profile => Assert.Equal(-1, scores.BestSkill(0, profile)));
    }

    [Fact]
    public void Scores_lie_in_the_unit_interval()
    {
        var scores = _model.Score([SampleProfiles.Item("react css html ui responsive layout frontend react css", "frontend", "react")], SampleProfiles.All, CancellationToken.None);

        Assert.InRange(scores.Score(0, 0), 0.5f, 1f);
    }

    [Fact]
    public void Profiles_are_cached_by_content_not_by_call()
    {
        _model.Score([SampleProfiles.Item("a")], SampleProfiles.All, CancellationToken.None);
        _model.Score([SampleProfiles.Item("b")], [.. SampleProfiles.All, SampleProfiles.Frontend with { MemberId = "copy" }], CancellationToken.None);

        Assert.Equal(3, _model.CachedProfiles);
    }

    [Fact]
    public void Concurrent_calls_agree_with_a_single_call()
    {
        var items = Enumerable.Range(0, 200).Select(i => SampleProfiles.Item(i % 2 == 0 ? "css layout bug" : "reconciliation ledger")).ToList();
        var expected = _model.Score(items, SampleProfiles.All, CancellationToken.None);

        var results = Enumerable.Range(0, 8).AsParallel().Select(_ => _model.Score(items, SampleProfiles.All, CancellationToken.None)).ToList();

        Assert.All(results, result => Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(expected.Score(i, 1), result.Score(i, 1))));
    }

    [Fact]
    public void Has_no_duration_estimate()
    {
        Assert.Equal([null, null], _model.ExpectedDurationSeconds([SampleProfiles.Item("a"), SampleProfiles.Item("b")], CancellationToken.None));
    }

    [Fact]
    public void Scores_four_thousand_items_against_three_hundred_profiles_in_seconds()
    {
        var profiles = Enumerable.Range(0, 300).Select(i => SampleProfiles.All[i % 3] with { MemberId = $"m{i}", Name = $"member {i}" }).ToList();
        var items = Enumerable.Range(0, 4000).Select(i => SampleProfiles.Item($"item {i}: fix the css of the ledger page and translate it")).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var scores = _model.Score(items, profiles, CancellationToken.None);

        Assert.Equal(4000, scores.Items);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Empty_inputs_give_an_empty_matrix()
    {
        var scores = _model.Score([], SampleProfiles.All, CancellationToken.None);

        Assert.Equal(0, scores.Items);
        Assert.Equal(3, scores.Profiles);
    }
}
