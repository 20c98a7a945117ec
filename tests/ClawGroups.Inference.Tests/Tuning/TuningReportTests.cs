using ClawGroups.Inference.Tuning;

namespace ClawGroups.Inference.Tests.Tuning;

/// <summary>The adoption rule: keep the base skills, and route the group's work no worse than the base head or the group's current one.</summary>
public sealed class TuningReportTests
{
    private static readonly TunedHead Head = new(new LinearWeights(2, 2, new float[4], new float[2]), new LinearWeights(1, 2, new float[2], new float[1]));

    [Theory]
    [InlineData(0.50, 0.60, 0.460, 0.430, null, true)]   // base lost exactly the limit
    [InlineData(0.50, 0.60, 0.460, 0.429, null, false)]  // base lost more than the limit
    [InlineData(0.50, 0.50, 0.460, 0.460, null, true)]   // no better, no worse
    [InlineData(0.50, 0.49, 0.460, 0.470, null, false)]  // the group's work routed worse than the base head
    [InlineData(0.50, 0.60, 0.460, 0.460, 0.70, false)]  // worse than the head the group already has
    [InlineData(0.50, 0.70, 0.460, 0.460, 0.70, true)]   // as good as the current one
    public void A_head_is_adopted_only_within_the_limits(double before, double after, double baseBefore, double baseAfter, double? current, bool adopted)
    {
        var report = new TuningReport(Head, 20, 2, 4, before, after, baseBefore, baseAfter, MaxBaseAccuracyDrop: 0.03) { GroupCurrent = current };

        Assert.Equal(adopted, report.Adopted);
    }
}
