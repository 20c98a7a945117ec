using System.Globalization;
using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// Chooses how much of an affinity comes from shared areas rather than embedding cosine (<see cref="SkillHeadsConfig.AreaWeight"/>):
/// the weight that routes the real-style dev half best, the smallest of equals. The test half is never looked at.
/// </summary>
public static class AreaWeightChoice
{
    public static readonly IReadOnlyList<double> Candidates = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

    public static (double Weight, string Table) Choose(MoeSkillModel model, RealStyleEvalSet dev)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dev);
        var accuracies = Candidates.Select(weight =>
        {
            using var view = model.WithAreaWeight(weight);
            return (Weight: weight, Accuracy: RealStyleEvaluation.RoutingAccuracy(view, dev));
        }).ToList();
        var best = accuracies.MaxBy(a => a.Accuracy);
        return (best.Weight, string.Join(", ", accuracies.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Weight:0.0} → {a.Accuracy:F3}"))));
    }
}
