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

        Assert.InRange(s_set.Tasks.Count, 60, 100);
        Assert.All(s_set.Tasks, task => Assert.Contains(task.Card, names));
    }

    [Fact]
    public void Cards_are_distinct_real_style_cards_and_each_has_tasks()
    {
        Assert.InRange(s_set.Cards.Count, 6, 10);
        Assert.Equal(s_set.Cards.Count, s_set.Cards.Select(card => card.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(s_set.Cards, card =>
        {
            Assert.False(string.IsNullOrWhiteSpace(card.Description));
            Assert.True(card.Skills.Count >= 2, $"{card.Name} has fewer than two skills");
            Assert.All(card.Skills, skill => Assert.False(string.IsNullOrWhiteSpace(skill.Name)));
            Assert.Contains(s_set.Tasks, task => task.Card == card.Name);
        });
    }

    [Fact]
    public void No_task_appears_in_the_training_corpus()
    {
        var corpus = SkillCorpus.Load(SkillCorpus.DefaultFolder());
        var train = corpus.Train.Select(item => item.Title.TrimEnd('?', '.')).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.DoesNotContain(s_set.Tasks, task => train.Contains(task.Text.TrimEnd('?', '.')));
    }

    [Fact]
    public void A_model_that_always_picks_the_first_card_scores_its_share_of_the_tasks()
    {
        var expected = (double)s_set.Tasks.Count(task => task.Card == s_set.Cards[0].Name) / s_set.Tasks.Count;

        Assert.Equal(expected, RealStyleEvaluation.RoutingAccuracy(new FirstCardModel(), s_set), 6);
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
