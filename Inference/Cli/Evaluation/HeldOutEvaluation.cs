using System.Diagnostics;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// Scores the held-out items against the held-out profiles (one per area, none seen in training) and reports how
/// often the top profile is of the item's area; for the MoE model also skill mAP and duration error.
/// </summary>
public static class HeldOutEvaluation
{
    public static double RoutingAccuracy(ISkillModel model, SkillCorpus corpus, out TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        var profiles = corpus.ProfilesOf(SkillCorpus.HeldOutSplit).ToList();
        var items = corpus.HeldOut.Select(item => item.ToWorkItem()).ToList();
        var clock = Stopwatch.StartNew();
        var scores = model.Score(items, profiles.Select(p => p.Profile).ToList(), CancellationToken.None);
        elapsed = clock.Elapsed;
        var correct = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var best = Enumerable.Range(0, profiles.Count).MaxBy(p => scores.Score(i, p));
            correct += profiles[best].Area == corpus.HeldOut[i].Area ? 1 : 0;
        }

        return (double)correct / items.Count;
    }

    /// <summary>Mean over areas of the average precision of ranking the held-out items by that area's probability.</summary>
    public static double SkillMeanAveragePrecision(MoeSkillModel model, SkillCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        var probabilities = model.SkillProbabilities(corpus.HeldOut.Select(item => item.ToWorkItem()).ToList(), CancellationToken.None);
        var areas = model.Network.HeadsConfig.Areas;
        return areas.Select((area, a) => AveragePrecision(
            Enumerable.Range(0, corpus.HeldOut.Count).OrderByDescending(i => probabilities[i][a]).Select(i => corpus.HeldOut[i].Area == area)))
            .Average();
    }

    /// <summary>Median |ln(predicted / actual)| and mean absolute error in minutes over the held-out items.</summary>
    public static (double MedianAbsLogError, double MaeMinutes) DurationError(ISkillModel model, SkillCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        var predicted = model.ExpectedDurationSeconds(corpus.HeldOut.Select(item => item.ToWorkItem()).ToList(), CancellationToken.None);
        var pairs = predicted.Zip(corpus.HeldOut, (p, item) => (Predicted: p ?? double.NaN, Actual: item.DurationSeconds)).ToList();
        var logErrors = pairs.Select(p => Math.Abs(Math.Log(p.Predicted / p.Actual))).Order().ToList();
        return (logErrors[logErrors.Count / 2], pairs.Average(p => Math.Abs(p.Predicted - p.Actual)) / 60);
    }

    private static double AveragePrecision(IEnumerable<bool> ranked)
    {
        var (hits, seen, sum) = (0, 0, 0.0);
        foreach (var relevant in ranked)
        {
            seen++;
            if (relevant)
            {
                hits++;
                sum += (double)hits / seen;
            }
        }

        return hits == 0 ? 0 : sum / hits;
    }
}
