using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tests.Moe;

namespace ClawGroups.Inference.Tests.Skills;

/// <summary>
/// The skill a reason names is the one whose own fit was highest for the pair, and the pair's fit is that skill's: checked by
/// scoring the profile whole and each of its skills alone (a skill's fit reads only the skill and its profile's name and
/// description, so alone it scores as it does inside the profile).
/// </summary>
public sealed class NamedSkillTests(MoeSkillModelTests.ShippedModel shipped) : IClassFixture<MoeSkillModelTests.ShippedModel>
{
    private static readonly SkillEntry Pipelines = new("ci", "CI pipelines", "Keeps the build and deploy pipelines green",
        ["ci", "github actions", "builds"], ["Fix the flaky deploy job"], 0.9);

    private static readonly SkillEntry Kubernetes = new("k8s", "Kubernetes", "Runs the clusters: deployments, pods, crash loops, rollbacks",
        ["kubernetes", "pods", "helm"], ["Restart the pods stuck in CrashLoopBackOff"], 0.8);

    private static readonly SkillProfile Platform = new("agent-ops", "Forge", "Platform engineer", [Pipelines, Kubernetes]);

    private static readonly WorkItemText CrashLoop = SampleProfiles.Item("Pods crash-loop after the deploy");

    [Theory]
    [InlineData("lexical")]
    [InlineData("moe")]
    public void Each_model_names_the_skill_whose_own_fit_is_highest_and_gives_the_pair_that_fit(string kind)
    {
        var model = Model(kind);
        IReadOnlyList<SkillProfile> whole = [Platform, .. SampleProfiles.All];
        IReadOnlyList<SkillProfile> apart = [.. Platform.Skills.Select(skill => Platform with { Skills = [skill] }), .. SampleProfiles.All];

        var scores = model.Score([CrashLoop], whole, CancellationToken.None);
        var alone = model.Score([CrashLoop], apart, CancellationToken.None);

        var fits = Enumerable.Range(0, Platform.Skills.Count).Select(s => alone.Score(0, s)).ToList();
        Assert.Equal(fits.IndexOf(fits.Max()), scores.BestSkill(0, 0));
        Assert.Equal(fits.Max(), scores.Score(0, 0), 5);
    }

    [Fact]
    public void The_served_blend_names_kubernetes_for_crash_looping_pods_with_the_item_s_own_words()
    {
        // A view of the shipped model: disposing the blend leaves the fixture's network alone.
        using var blend = new BlendedSkillModel(shipped.Model.WithAreaWeight(shipped.Model.AreaWeight), new LexicalSkillModel(), BlendedSkillModel.ServedMoeWeight);

        var skill = blend.Score([CrashLoop], [Platform, .. SampleProfiles.All], CancellationToken.None).BestSkill(0, 0);
        var words = blend.Explain([new SkillMatch(CrashLoop, Platform, skill)], 3, CancellationToken.None)[0];

        Assert.Equal("k8s", Platform.Skills[skill].Id);
        Assert.NotEmpty(words);
        Assert.All(words, word => Assert.Contains(word, CrashLoop.Title, StringComparison.OrdinalIgnoreCase));
    }

    private ISkillModel Model(string kind) => kind == "moe" ? shipped.Model : new LexicalSkillModel();
}
