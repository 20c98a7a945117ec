using System.Globalization;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// <c>eval [--weights Inference/Weights] [--corpus Inference/Corpus/data] [--misses 0]</c>. The real-style set's dev half is for
/// choosing, its test half for reporting: the last two lines are the test half's routing line,
/// <c>real-style routing accuracy@1: moe=… lexical=… teacher=…</c>, then the held-out corpus's, <c>routing accuracy@1: moe=… lexical=…</c>.
/// <c>--misses N</c> first lists up to N dev-half tasks the MoE model routes wrongly, with its top three cards.
/// </summary>
public static class EvalCommand
{
    /// <summary>The MoE model's share in the blend (see <see cref="BlendedSkillModel"/>), when the blend is served.</summary>
    public const double BlendWeight = BlendedSkillModel.ServedMoeWeight;

    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var folder = options.Text("corpus", SkillCorpus.DefaultFolder());
        var corpus = SkillCorpus.Load(folder);
        var realStyle = RealStyleEvalSet.Load(folder);
        using var moe = MoeSkillModel.Load(options.Text("weights", SkillModelFiles.DefaultFolder()));
        foreach (var miss in RealStyleEvaluation.Misses(moe, realStyle.Half(RealStyleHalf.Dev), 3).Take(options.Int("misses", 0)))
        {
            var top = string.Join(", ", miss.Top.Select(card => string.Create(CultureInfo.InvariantCulture, $"{card.Card} {card.Score:F3}")));
            output.WriteLine($"miss: \"{miss.Task.Text}\" ({miss.Task.Card}) -> {top}");
        }

        output.WriteLine("routing margins of the moe model on the dev half (best card's affinity minus the second's):");
        output.WriteLine(RoutingMargins.Table(RoutingMargins.Of(moe, realStyle.Half(RealStyleHalf.Dev)), [0.002, 0.005, 0.01, 0.02, 0.03, 0.05]));
        output.WriteLine(Report(moe, corpus, realStyle, RealStyleTeacher.Load(folder)));
        return 0;
    }

    /// <summary>The evaluation report, ending with the real-style test half's routing line and then the held-out corpus's.</summary>
    public static string Report(MoeSkillModel moe, SkillCorpus corpus, RealStyleEvalSet realStyle, TeacherVectors? teacher)
    {
        ArgumentNullException.ThrowIfNull(moe);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(realStyle);
        var lexical = new LexicalSkillModel();
        var blend = new BlendedSkillModel(moe, lexical, BlendWeight);
        var profiles = corpus.ProfilesOf(SkillCorpus.HeldOutSplit).Count();
        var moeAccuracy = HeldOutEvaluation.RoutingAccuracy(moe, corpus, out var moeTime);
        var lexicalAccuracy = HeldOutEvaluation.RoutingAccuracy(lexical, corpus, out var lexicalTime);
        var blendAccuracy = HeldOutEvaluation.RoutingAccuracy(blend, corpus, out _);
        var map = HeldOutEvaluation.SkillMeanAveragePrecision(moe, corpus);
        var (logError, maeMinutes) = HeldOutEvaluation.DurationError(moe, corpus);
        var (dev, test) = (realStyle.Half(RealStyleHalf.Dev), realStyle.Half(RealStyleHalf.Test));
        string Line(RealStyleEvalSet half)
        {
            var teacherFigure = teacher is null ? "n/a" : RealStyleTeacher.RoutingAccuracy(teacher, half, bestSkill: false).ToString("F2", CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture,
                $"moe={RealStyleEvaluation.RoutingAccuracy(moe, half):F2} lexical={RealStyleEvaluation.RoutingAccuracy(lexical, half):F2} teacher={teacherFigure}");
        }

        var pairs = (double)corpus.HeldOut.Count * profiles;
        return string.Create(CultureInfo.InvariantCulture, $"""
            held-out: {corpus.HeldOut.Count} items × {profiles} unseen profiles ({corpus.Areas.Count} areas)
            skill mAP (moe skills head): {map:F3}
            duration: median |ln(pred/actual)| = {logError:F3} (×{Math.Exp(logError):F2}), MAE = {maeMinutes:F1} min
            scoring (moe, cold profile cache): {moeTime.TotalMilliseconds:F0} ms, {pairs / moeTime.TotalSeconds:F0} pairs/s, {corpus.HeldOut.Count / moeTime.TotalSeconds:F0} items/s
            scoring (lexical): {lexicalTime.TotalMilliseconds:F0} ms, {pairs / lexicalTime.TotalSeconds:F0} pairs/s
            held-out, blend ({BlendWeight:0.0} moe + {1 - BlendWeight:0.0} lexical): {blendAccuracy:F2}
            real-style: {realStyle.Tasks.Count} tasks ({dev.Tasks.Count} dev, {test.Tasks.Count} test) × {realStyle.Cards.Count} agent cards{TeacherNote(teacher, dev, test)}
            real-style dev half: {Line(dev)} blend={RealStyleEvaluation.RoutingAccuracy(blend, dev):F2}
            real-style test half, blend: {RealStyleEvaluation.RoutingAccuracy(blend, test):F2}
            real-style routing accuracy@1: {Line(test)}
            routing accuracy@1: moe={moeAccuracy:F2} lexical={lexicalAccuracy:F2}
            """);
    }

    private static string TeacherNote(TeacherVectors? teacher, RealStyleEvalSet dev, RealStyleEvalSet test) => teacher is null
        ? "; no teacher vectors (Corpus/data/realstyle-teacher.*: run the teacher's eval-set command)"
        : string.Create(CultureInfo.InvariantCulture,
            $"; teacher by its best single skill instead of the whole card: dev {RealStyleTeacher.RoutingAccuracy(teacher, dev, bestSkill: true):F2}, test {RealStyleTeacher.RoutingAccuracy(teacher, test, bestSkill: true):F2}");
}
