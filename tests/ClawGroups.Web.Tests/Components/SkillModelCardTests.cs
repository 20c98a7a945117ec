using Bunit;
using ClawGroups.Coordinator.Insights;
using ClawGroups.Web.Components.Groups;

namespace ClawGroups.Web.Tests.Components;

public sealed class SkillModelCardTests : ComponentTest
{
    [Fact]
    public void An_untuned_group_is_told_when_its_model_will_learn()
    {
        var card = Render<SkillModelCard>(p => p.Add(c => c.Tuning, null).Add(c => c.MinExamples, 10));

        Assert.Contains("finished 10 or more items", card.Find("[data-testid=skill-model-untuned]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=skill-model-figures]"));
    }

    [Fact]
    public void A_tuned_group_sees_what_the_tuning_measured_before_and_after()
    {
        var tuning = new SkillTuningView(DateTimeOffset.UtcNow.AddMinutes(-5), Examples: 48, Members: 3, GroupAccuracyBefore: 0.7, GroupAccuracyAfter: 0.9,
            BaseAccuracyBefore: 0.464, BaseAccuracyAfter: 0.458, DurationErrorBefore: Math.Log(3), DurationErrorAfter: 0.05);

        var card = Render<SkillModelCard>(p => p.Add(c => c.Tuning, tuning).Add(c => c.MinExamples, 10));

        Assert.Contains("on 48 finished items of 3 agents", card.Find("[data-testid=skill-model-tuned]").TextContent, StringComparison.Ordinal);
        var rows = card.FindAll("[data-testid=skill-model-figures] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("70 %", rows[0], StringComparison.Ordinal);
        Assert.Contains("90 %", rows[0], StringComparison.Ordinal);
        Assert.Contains("46 %", rows[1], StringComparison.Ordinal);
        Assert.Contains("×3.00", rows[2], StringComparison.Ordinal);
        Assert.Contains("×1.05", rows[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_known_durations_there_is_no_duration_row()
    {
        var tuning = new SkillTuningView(DateTimeOffset.UtcNow, 12, 2, 1, 1, 0.46, 0.46, null, null);

        var card = Render<SkillModelCard>(p => p.Add(c => c.Tuning, tuning).Add(c => c.MinExamples, 10));

        Assert.Equal(2, card.FindAll("[data-testid=skill-model-figures] tbody tr").Count);
    }
}
