using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Evaluation;

public sealed class RealStyleEvalSetTests
{
    private static readonly RealStyleEvalSet s_set = RealStyleEvalSet.Load(SkillCorpus.DefaultFolder());

    [Fact]
    public void Every_task_is_labelled_with_a_card_of_the_set()
    {
        var names = s_set.Cards.Select(card => card.Name).ToHashSet(StringComparer.Ordinal);

        Assert.True(s_set.Tasks.Count >= 300, $"{s_set.Tasks.Count} tasks");
        Assert.All(s_set.Tasks, task => Assert.Contains(task.Card, names));
    }

    [Fact]
    public void Cards_are_distinct_real_style_cards_one_per_area_and_each_has_tasks()
    {
        var areas = SkillCorpus.Load(SkillCorpus.DefaultFolder()).Areas;

        Assert.True(s_set.Cards.Count >= 20, $"{s_set.Cards.Count} cards");
        Assert.Equal(s_set.Cards.Count, s_set.Cards.Select(card => card.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(areas.Order(StringComparer.Ordinal), s_set.Cards.Select(card => card.Area!).Order(StringComparer.Ordinal));
        Assert.All(s_set.Cards, card =>
        {
            Assert.False(string.IsNullOrWhiteSpace(card.Description));
            Assert.True(card.Skills.Count >= 2, $"{card.Name} has fewer than two skills");
            Assert.All(card.Skills, skill => Assert.False(string.IsNullOrWhiteSpace(skill.Name)));
            Assert.True(s_set.Tasks.Count(task => task.Card == card.Name) >= 12, $"{card.Name} has fewer than 12 tasks");
        });
    }

    [Fact]
    public void The_dev_and_test_halves_split_every_card_s_tasks_evenly_and_share_none()
    {
        var (dev, test) = (s_set.Half(RealStyleHalf.Dev), s_set.Half(RealStyleHalf.Test));

        Assert.Equal(s_set.Tasks.Count, dev.Tasks.Count + test.Tasks.Count);
        Assert.Empty(dev.Tasks.Intersect(test.Tasks));
        Assert.All(s_set.Cards, card => Assert.InRange(
            dev.Tasks.Count(task => task.Card == card.Name) - test.Tasks.Count(task => task.Card == card.Name), 0, 1));
    }

    [Fact]
    public void A_task_stays_in_its_half_when_other_tasks_are_added()
    {
        var grown = s_set with { Tasks = [.. s_set.Tasks, new RealStyleTask("One more task written later", null, s_set.Cards[0].Name)] };

        var before = s_set.Half(RealStyleHalf.Test).Tasks.Where(task => task.Card != s_set.Cards[0].Name);
        var after = grown.Half(RealStyleHalf.Test).Tasks.Where(task => task.Card != s_set.Cards[0].Name);

        Assert.Equal(before, after);
    }

    [Fact]
    public void A_model_that_always_picks_the_first_card_scores_its_share_of_the_tasks()
    {
        var expected = (double)s_set.Tasks.Count(task => task.Card == s_set.Cards[0].Name) / s_set.Tasks.Count;

        Assert.Equal(expected, RealStyleEvaluation.RoutingAccuracy(new FirstCardModel(), s_set), 6);
    }

    [Fact]
    public void The_teacher_s_vectors_are_of_exactly_this_set()
    {
        var teacher = RealStyleTeacher.Load(SkillCorpus.DefaultFolder());

        Assert.NotNull(teacher);
        Assert.Equal(RealStyleTeacher.Texts(s_set).Order(StringComparer.Ordinal), teacher.Texts.Order(StringComparer.Ordinal));
    }

    private sealed class FirstCardModel : ISkillModel
    {
        public string Name => "first";

        public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
        {
            var matrix = new AffinityMatrix(items.Count, profiles.Count);
            for (var i = 0; i < items.Count; i++)
            {
                matrix.Set(i, 0, 1, 0);
            }

            return matrix;
        }

        public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken) =>
            items.Select(_ => (double?)null).ToList();
    }
}
