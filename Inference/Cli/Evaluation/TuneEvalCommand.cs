using System.Globalization;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// <c>tune-eval [--weights …] [--steps 100] [--lr 0.003] [--replay 4] [--anchor 1]</c>: fine-tuning measured before and after.
/// The real-style tasks play a group's finished work, labelled with the card that should have had it; each half in
/// turn tunes a head, which is then scored on the half it never saw, on the half it learned from, and on the corpus
/// held-out split (the base skills, which must not be forgotten). Then all tasks tune one head and are routed again:
/// work that repeats.
/// </summary>
public static class TuneEvalCommand
{
    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var folder = options.Text("corpus", SkillCorpus.DefaultFolder());
        var corpus = SkillCorpus.Load(folder);
        var realStyle = RealStyleEvalSet.Load(folder);
        using var moe = MoeSkillModel.Load(options.Text("weights", SkillModelFiles.DefaultFolder()));
        var tuning = new TuningOptions
        {
            Steps = options.Int("steps", new TuningOptions().Steps),
            LearningRate = options.Double("lr", new TuningOptions().LearningRate),
            ReplayWeight = options.Double("replay", new TuningOptions().ReplayWeight),
            AnchorWeight = options.Double("anchor", new TuningOptions().AnchorWeight),
        };
        var tuner = new SkillHeadTuner(moe, corpus, tuning);
        var cards = realStyle.Profiles();
        var items = realStyle.Items();
        var lexical = new LexicalSkillModel();
        var halves = Halves(realStyle.Tasks.Count);
        // Task i as a group's accepted work, by the card that should have had it.
        TuningExample Example(int i) => new(items[i], cards.Single(c => c.Name == realStyle.Tasks[i].Card), Succeeded: true);
        var totals = new double[6];
        for (var half = 0; half < 2; half++)
        {
            var (learned, unseen) = (halves[half], halves[1 - half]);
            var examples = learned.Select(Example).ToList();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = tuner.Tune(examples, CancellationToken.None);
            // The first tuning of a tuner also pools the corpus replay once; later ones reuse it.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tuning {half + 1} took {clock.Elapsed.TotalSeconds:F1} s{(half == 0 ? " (with pooling the corpus replay)" : "")}"));
            using var tuned = moe.WithHead(report.Head);
            double[] figures =
            [
                Accuracy(moe, realStyle, unseen), Accuracy(tuned, realStyle, unseen),
                Accuracy(new BlendedSkillModel(moe, lexical, EvalCommand.BlendWeight), realStyle, unseen),
                Accuracy(new BlendedSkillModel(tuned, lexical, EvalCommand.BlendWeight), realStyle, unseen),
                report.BaseBefore, report.BaseAfter,
            ];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"half {half + 1}: {learned.Count} tasks given, newest {report.Validated} held out by the tuner ({report.GroupBefore:F2} -> {report.GroupAfter:F2}); " +
                $"unseen {unseen.Count}: moe {figures[0]:F2} -> {figures[1]:F2}, blend {figures[2]:F2} -> {figures[3]:F2}; " +
                $"corpus held-out {figures[4]:F3} -> {figures[5]:F3}; adopted {report.Adopted}"));
            for (var f = 0; f < totals.Length; f++)
            {
                totals[f] += figures[f] / 2;
            }
        }

        // Work that repeats: every task learned from (nothing held out), then routed again.
        var all = Enumerable.Range(0, realStyle.Tasks.Count).Select(Example).ToList();
        var repeat = new SkillHeadTuner(moe, corpus, tuning with { MinAcceptedToValidate = int.MaxValue }).Tune(all, CancellationToken.None);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"repeat work: all {all.Count} tasks learned, then routed again: moe {repeat.GroupBefore:F2} -> {repeat.GroupAfter:F2}; " +
            $"corpus held-out {repeat.BaseBefore:F3} -> {repeat.BaseAfter:F3}"));
        // A slower team: every task took three times the base estimate.
        var estimates = moe.ExpectedDurationSeconds(items, CancellationToken.None);
        var slower = new SkillHeadTuner(moe, corpus, tuning).Tune(all.Select((e, i) => e with { DurationSeconds = 3 * estimates[i] }).ToList(), CancellationToken.None);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"durations of a team 3x slower than the corpus, newest {slower.Validated} held out: median |ln(estimate/actual)| {slower.DurationErrorBefore:F3} -> {slower.DurationErrorAfter:F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fine-tuning, unseen tasks accuracy@1: moe {totals[0]:F2} -> {totals[1]:F2}, blend {totals[2]:F2} -> {totals[3]:F2}; " +
            $"base skills (corpus held-out): {totals[4]:F3} -> {totals[5]:F3}"));
        return 0;
    }

    /// <summary>Every other task of a fixed shuffle, so both halves hold every card.</summary>
    private static List<int>[] Halves(int count)
    {
        var random = new Random(3);
        var order = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToList();
        return [order.Where((_, i) => i % 2 == 0).ToList(), order.Where((_, i) => i % 2 == 1).ToList()];
    }

    private static double Accuracy(ISkillModel model, RealStyleEvalSet set, List<int> tasks)
    {
        var misses = RealStyleEvaluation.Misses(model, set, 0).Select(m => m.Task).ToHashSet();
        return tasks.Count(i => !misses.Contains(set.Tasks[i])) / (double)tasks.Count;
    }
}
