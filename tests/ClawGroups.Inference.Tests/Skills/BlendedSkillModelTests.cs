using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Skills;

public sealed class BlendedSkillModelTests
{
    [Fact]
    public void The_blend_mixes_rescaled_affinities_by_weight_and_names_the_stronger_models_skill()
    {
        // Primary prefers profile 0 weakly (0.30 vs 0.20); secondary prefers profile 1 strongly (0.1 vs 0.9).
        var primary = new FixedModel("a", [[0.30f, 0.20f]], bestSkill: 0);
        var secondary = new FixedModel("b", [[0.10f, 0.90f]], bestSkill: 1);

        var mostlyPrimary = new BlendedSkillModel(primary, secondary, 0.8).Score(Items(1), Profiles(2), CancellationToken.None);
        var mostlySecondary = new BlendedSkillModel(primary, secondary, 0.2).Score(Items(1), Profiles(2), CancellationToken.None);

        // After rescaling each model's row to [0, 1] the weights decide, not the raw scales.
        Assert.Equal(0.8f, mostlyPrimary.Score(0, 0), 3);
        Assert.Equal(0.2f, mostlyPrimary.Score(0, 1), 3);
        Assert.Equal(0, mostlyPrimary.BestSkill(0, 0));
        Assert.True(mostlySecondary.Score(0, 1) > mostlySecondary.Score(0, 0));
        Assert.Equal(1, mostlySecondary.BestSkill(0, 1));
    }

    [Fact]
    public void A_model_with_no_preference_for_an_item_leaves_the_choice_to_the_other()
    {
        var flat = new FixedModel("flat", [[0.5f, 0.5f, 0.5f]], bestSkill: -1);
        var decided = new FixedModel("decided", [[0.1f, 0.7f, 0.3f]], bestSkill: 0);

        var scores = new BlendedSkillModel(flat, decided, 0.5).Score(Items(1), Profiles(3), CancellationToken.None);

        Assert.True(scores.Score(0, 1) > scores.Score(0, 2) && scores.Score(0, 2) > scores.Score(0, 0));
    }

    [Fact]
    public void The_blend_keeps_and_explains_by_its_primary_model_s_readings()
    {
        var primary = new FixedModel("a", [[0.3f]], bestSkill: 0) { Version = "moe-1" };
        var blend = new BlendedSkillModel(primary, new FixedModel("b", [[0.1f]], bestSkill: 0), 0.6);

        var reading = blend.Read(Items(1), CancellationToken.None);
        var words = blend.Explain([new SkillMatch(Items(1)[0], Profiles(1)[0], 0)], 3, CancellationToken.None);

        Assert.Equal("moe-1", blend.ReadingVersion);
        Assert.Equal("moe-1", Assert.Single(reading).Version);
        Assert.Equal(["from a"], Assert.Single(words));
    }

    private static List<WorkItemText> Items(int count)
        => Enumerable.Range(0, count).Select(i => new WorkItemText($"i{i}", $"item {i}", "", [])).ToList();

    private static List<SkillProfile> Profiles(int count)
        => Enumerable.Range(0, count).Select(p => new SkillProfile($"p{p}", $"profile {p}", "", [])).ToList();

    private sealed class FixedModel(string name, float[][] scores, int bestSkill) : ISkillModel
    {
        public string Name => name;

        public string? Version { get; init; }

        public string? ReadingVersion => Version;

        public IReadOnlyList<ItemReading> Read(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken) =>
            items.Select(_ => new ItemReading(Version!, [1f])).ToList();

        public IReadOnlyList<IReadOnlyList<string>> Explain(IReadOnlyList<SkillMatch> matches, int words, CancellationToken cancellationToken) =>
            matches.Select(_ => (IReadOnlyList<string>)[$"from {name}"]).ToList();

        public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
        {
            var matrix = new AffinityMatrix(items.Count, profiles.Count);
            for (var i = 0; i < items.Count; i++)
            {
                for (var p = 0; p < profiles.Count; p++)
                {
                    matrix.Set(i, p, scores[i][p], bestSkill);
                }
            }

            return matrix;
        }

        public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
            => items.Select(_ => (double?)null).ToList();
    }
}
