using System.Diagnostics;
using System.Globalization;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Model;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Benchmarks;

/// <summary>
/// <c>bench [--weights Inference/Weights] [--repeats 20]</c>: start-up load time; the MoE encoder against a dense
/// one with the same active parameters and one with the same total parameters, on the same batch in the same
/// run; scoring latency at the coordinator's two batch shapes; peak memory. Plain stopwatches rather than
/// BenchmarkDotNet: the figures that matter are whole passes of hundreds of milliseconds, and the ratios are taken
/// within one process.
/// </summary>
public static class BenchCommand
{
    /// <summary>Rough fp32 peak of one x86-64 core with AVX2 FMA: 2 FMA units × 8 lanes × 2 FLOPs × ~3 GHz.</summary>
    private const double PeakFlopsPerCore = 96e9;

    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var repeats = options.Int("repeats", 20);
        var folder = options.Text("weights", SkillModelFiles.DefaultFolder());
        var clock = Stopwatch.StartNew();
        using var moe = MoeSkillModel.Load(folder);
        output.WriteLine(Line($"start-up: weights loaded in {clock.Elapsed.TotalMilliseconds:F0} ms (torch threads {get_num_threads()}, {Environment.ProcessorCount} cores)"));

        var corpus = SkillCorpus.Load(options.Text("corpus", SkillCorpus.DefaultFolder()));
        var texts = corpus.HeldOut.Take(128).Select(item => SkillText.Of(item.ToWorkItem())).ToList();
        CompareEncoders(moe.Network.Config, texts, moe, repeats, output);

        var profiles = Enumerable.Range(0, 300).Select(i => corpus.Profiles[i % corpus.Profiles.Count].Profile with { MemberId = $"m{i}", Description = $"{corpus.Profiles[i % corpus.Profiles.Count].Profile.Description} #{i}" }).ToList();
        var items = Enumerable.Range(0, 4000).Select(i => corpus.HeldOut[i % corpus.HeldOut.Count].ToWorkItem()).ToList();
        foreach (var model in new ISkillModel[] { moe, new LexicalSkillModel() })
        {
            Time(output, $"{model.Name} score 300 profiles cold (profile encoding)", 1, () => model.Score(items.Take(1).ToList(), profiles, CancellationToken.None), 300);
            Time(output, $"{model.Name} score 1 × 300", repeats * 5, () => model.Score([items[0]], profiles, CancellationToken.None), 300);
            Time(output, $"{model.Name} score 4,000 × 300", Math.Max(3, repeats / 5), () => model.Score(items, profiles, CancellationToken.None), 4000 * 300);
        }

        output.WriteLine(Line($"peak memory: working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
        return 0;
    }

    private static void CompareEncoders(DeepseekV3Config moeConfig, List<string> texts, MoeSkillModel moe, int repeats, TextWriter output)
    {
        var perExpert = moeConfig.MoeIntermediateSize;
        var variants = new (string Name, DeepseekV3Config Config)[]
        {
            ("moe (8 routed top-2 + 1 shared)", moeConfig),
            ("dense, same active params", moeConfig with { FirstKDenseReplace = moeConfig.NumHiddenLayers, IntermediateSize = perExpert * (moeConfig.NumExpertsPerTok + moeConfig.NSharedExperts) }),
            ("dense, same total params", moeConfig with { FirstKDenseReplace = moeConfig.NumHiddenLayers, IntermediateSize = perExpert * (moeConfig.NRoutedExperts + moeConfig.NSharedExperts) }),
        };
        var tokenizer = Tokenization.WordPieceTokenizer.Load(Path.Combine(SkillModelFiles.DefaultFolder(), Tokenization.WordPieceTokenizer.FileName));
        using var scope = NewDisposeScope();
        var (ids, mask) = TokenBatch.Encode(tokenizer, texts, moe.Network.HeadsConfig.MaxTokens, CPU);
        var tokens = mask.sum().item<float>();
        double? moeMs = null;
        foreach (var (name, config) in variants)
        {
            using var model = new DeepseekV3Model(config);
            model.eval();
            var total = model.parameters().Sum(p => p.numel());
            var active = ActiveParameters(config, total);
            using var noGrad = no_grad();
            var ms = Median(repeats, () => model.forward(ids, mask).Dispose());
            moeMs ??= ms;
            var gflops = 2.0 * active * tokens / (ms / 1000) / 1e9;
            output.WriteLine(Line($"{name}: {total:N0} params ({active:N0} active/token), batch {texts.Count} seqs {tokens:F0} tokens: p50 {ms:F1} ms, {tokens / (ms / 1000):F0} tokens/s, {gflops:F1} GFLOP/s = {gflops * 1e9 / (PeakFlopsPerCore * Environment.ProcessorCount):P1} of peak, ×{ms / moeMs:F2} of moe time"));
        }
    }

    /// <summary>Parameters a token passes through: all but the routed experts it is not sent to (embeddings excluded, as is usual).</summary>
    private static long ActiveParameters(DeepseekV3Config config, long total)
    {
        var moeLayers = config.NumHiddenLayers - config.FirstKDenseReplace;
        var expert = 3L * config.HiddenSize * config.MoeIntermediateSize;
        return total - ((long)config.VocabSize * config.HiddenSize) - (moeLayers * expert * (config.NRoutedExperts - config.NumExpertsPerTok));
    }

    private static void Time(TextWriter output, string name, int repeats, Action action, long pairs)
    {
        var samples = Enumerable.Range(0, repeats).Select(_ => Measure(action)).Order().ToList();
        var p50 = samples[samples.Count / 2];
        var p95 = samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.95) - 1)];
        output.WriteLine(Line($"{name}: p50 {p50:F1} ms, p95 {p95:F1} ms, {pairs / (p50 / 1000):N0} pairs/s (n={repeats})"));
    }

    private static double Median(int repeats, Action action)
    {
        action();
        return Enumerable.Range(0, repeats).Select(_ => Measure(action)).Order().ElementAt(repeats / 2);
    }

    private static double Measure(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
