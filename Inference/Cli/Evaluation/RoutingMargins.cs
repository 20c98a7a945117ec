using System.Globalization;
using System.Text;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// How sure the model is of each task's card, as the coordinator judges it: the margin between the best and the second-best
/// card's affinity. Told on a half of the real-style set, it is what the default of <c>MinRoutingConfidence</c> is chosen from:
/// below that margin an item waits for a person instead of being offered to the model's top pick.
/// </summary>
public static class RoutingMargins
{
    public static IReadOnlyList<(double Margin, bool Correct)> Of(ISkillModel model, RealStyleEvalSet set)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        var profiles = set.Profiles();
        var scores = model.Score(set.Items(), profiles, CancellationToken.None);
        return Enumerable.Range(0, set.Tasks.Count).Select(i =>
        {
            var ranked = Enumerable.Range(0, profiles.Count).OrderByDescending(p => scores.Score(i, p)).ToList();
            return ((double)(scores.Score(i, ranked[0]) - scores.Score(i, ranked[1])), profiles[ranked[0]].Name == set.Tasks[i].Card);
        }).ToList();
    }

    /// <summary>For each threshold: the share of tasks that would wait for a person, and the accuracy of those offered and of those held.</summary>
    public static string Table(IReadOnlyList<(double Margin, bool Correct)> margins, IReadOnlyList<double> thresholds)
    {
        ArgumentNullException.ThrowIfNull(margins);
        ArgumentNullException.ThrowIfNull(thresholds);
        var text = new StringBuilder();
        foreach (var threshold in thresholds)
        {
            var held = margins.Where(m => m.Margin < threshold).ToList();
            var offered = margins.Where(m => m.Margin >= threshold).ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  margin < {threshold:0.000}: {held.Count,3} of {margins.Count} wait for a person ({(double)held.Count / margins.Count:P0}); " +
                $"offered right {Share(offered):F2}, held would have been right {Share(held):F2}"));
        }

        return text.ToString().TrimEnd();
    }

    private static double Share(List<(double Margin, bool Correct)> tasks) => tasks.Count == 0 ? double.NaN : (double)tasks.Count(t => t.Correct) / tasks.Count;
}
