using System.Globalization;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// <c>eval [--weights Inference/Weights] [--corpus Inference/Corpus/data] [--misses 0]</c>; the routing line comes last, for
/// scripts. <c>--misses N</c> first lists up to N real-style tasks the MoE model routes wrongly, with its top three cards.
/// </summary>
public static class EvalCommand
{
    /// <summary>The MoE model's share in the blend the coordinator runs (see <see cref="BlendedSkillModel"/>).</summary>
    public const double BlendWeight = 0.6;

    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var folder = options.Text("corpus", SkillCorpus.DefaultFolder());
        var corpus = SkillCorpus.Load(folder);
        var realStyle = RealStyleEvalSet.Load(folder);
        using var moe = MoeSkillModel.Load(options.Text("weights", SkillModelFiles.DefaultFolder()));
        foreach (var miss in RealStyleEvaluation.Misses(moe, realStyle, 3).Take(options.Int("misses", 0)))
        {
            var top = string.Join(", ", miss.Top.Select(card => string.Create(CultureInfo.InvariantCulture, $"{card.Card} {card.Score:F3}")));
            output.WriteLine($"miss: \"{miss.Task.Text}\" ({miss.Task.Card}) -> {top}");
        }

        output.WriteLine(Report(moe, corpus, realStyle));
        return 0;
    }

    /// <summary>
    /// The evaluation report, ending with the real-style routing line and then the held-out one,
    /// <c>routing accuracy@1: moe=… lexical=…</c>.
    /// </summary>
    public static string Report(MoeSkillModel moe, SkillCorpus corpus, RealStyleEvalSet realStyle)
    {
        ArgumentNullException.ThrowIfNull(moe);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(realStyle);
        var lexical = new LexicalSkillModel();
        var profiles = corpus.ProfilesOf(SkillCorpus.HeldOutSplit).Count();
        var moeAccuracy = HeldOutEvaluation.RoutingAccuracy(moe, corpus, out var moeTime);
        var lexicalAccuracy = HeldOutEvaluation.RoutingAccuracy(lexical, corpus, out var lexicalTime);
        var blend = new BlendedSkillModel(moe, lexical, BlendWeight);
        var blendAccuracy = HeldOutEvaluation.RoutingAccuracy(blend, corpus, out _);
        var map = HeldOutEvaluation.SkillMeanAveragePrecision(moe, corpus);
        var (logError, maeMinutes) = HeldOutEvaluation.DurationError(moe, corpus);
        var realStyleMoe = RealStyleEvaluation.RoutingAccuracy(moe, realStyle);
        var realStyleLexical = RealStyleEvaluation.RoutingAccuracy(lexical, realStyle);
        var realStyleBlend = RealStyleEvaluation.RoutingAccuracy(blend, realStyle);
        var pairs = (double)corpus.HeldOut.Count * profiles;
        return string.Create(CultureInfo.InvariantCulture, $"""
            held-out: {corpus.HeldOut.Count} items × {profiles} unseen profiles ({corpus.Areas.Count} areas)
            skill mAP (moe skills head): {map:F3}
            duration: median |ln(pred/actual)| = {logError:F3} (×{Math.Exp(logError):F2}), MAE = {maeMinutes:F1} min
            scoring (moe, cold profile cache): {moeTime.TotalMilliseconds:F0} ms, {pairs / moeTime.TotalSeconds:F0} pairs/s, {corpus.HeldOut.Count / moeTime.TotalSeconds:F0} items/s
            scoring (lexical): {lexicalTime.TotalMilliseconds:F0} ms, {pairs / lexicalTime.TotalSeconds:F0} pairs/s
            routing accuracy@1 of the blend the coordinator uses ({BlendWeight:0.0} moe + {1 - BlendWeight:0.0} lexical): {blendAccuracy:F2}
            real-style: {realStyle.Tasks.Count} tasks × {realStyle.Cards.Count} agent cards; blend {realStyleBlend:F2}
            real-style routing accuracy@1: moe={realStyleMoe:F2} lexical={realStyleLexical:F2}
            routing accuracy@1: moe={moeAccuracy:F2} lexical={lexicalAccuracy:F2}
            """);
    }
}
