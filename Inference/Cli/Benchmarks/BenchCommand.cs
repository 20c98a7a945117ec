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
        CompareEncoders(moe.Network.Config, texts, moe, folder, repeats, output);

        var profiles = Enumerable.Range(0, 300).Select(i => corpus.Profiles[i % corpus.Profiles.Count].Profile with { MemberId = $"m{i}", Description = $"{corpus.Profiles[i % corpus.Profiles.Count].Profile.Description} #{i}" }).ToList();
        var items = Enumerable.Range(0, 4000).Select(i => corpus.HeldOut[i % corpus.HeldOut.Count].ToWorkItem()).ToList();
        ReadOnce(moe, items, profiles, Evaluation.RealStyleEvalSet.Load(options.Text("corpus", SkillCorpus.DefaultFolder())), repeats, output);
        foreach (var model in new ISkillModel[] { moe, new LexicalSkillModel() })
        {
            Time(output, $"{model.Name} score 300 profiles cold (profile encoding)", 1, () => model.Score(items.Take(1).ToList(), profiles, CancellationToken.None), 300);
            Time(output, $"{model.Name} score 1 × 300", repeats * 5, () => model.Score([items[0]], profiles, CancellationToken.None), 300);
            Time(output, $"{model.Name} score 4,000 × 300", Math.Max(3, repeats / 5), () => model.Score(items, profiles, CancellationToken.None), 4000 * 300);
        }

        output.WriteLine(Line($"peak memory: working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
        return 0;
    }

    /// <summary>
    /// What the coordinator pays now that an item is read once, when it is created: reading people-phrased items (the real-style
    /// tasks, with their descriptions, and held-out corpus items), then one new item read and scored against 300 cached cards,
    /// then a pass over 4,000 items whose readings are kept, which only multiplies vectors.
    /// </summary>
    private static void ReadOnce(MoeSkillModel moe, List<WorkItemText> items, List<SkillProfile> profiles, Evaluation.RealStyleEvalSet realStyle, int repeats, TextWriter output)
    {
        var people = realStyle.Items().Concat(items.Take(1000 - realStyle.Tasks.Count)).ToList();
        moe.Read(people.Take(64).ToList(), CancellationToken.None);
        var clock = Stopwatch.StartNew();
        moe.Read(people, CancellationToken.None);
        output.WriteLine(Line($"moe read {people.Count} items ({realStyle.Tasks.Count} real-style tasks + held-out items) in {clock.Elapsed.TotalMilliseconds:F0} ms: {people.Count / clock.Elapsed.TotalSeconds:F0} items/s"));

        ReadInBatches(moe, people, repeats, output);
        moe.Score([items[0]], profiles, CancellationToken.None);
        var next = 0;
        Time(output, "moe one new item: read, then score against 300 cached cards", repeats * 5, () =>
        {
            var item = people[next++ % people.Count];
            moe.Score([item with { Reading = moe.Read([item], CancellationToken.None)[0] }], profiles, CancellationToken.None);
        }, 300);

        var read = items.Zip(moe.Read(items, CancellationToken.None), (item, reading) => item with { Reading = reading }).ToList();
        Time(output, "moe score 4,000 × 300 from kept readings", Math.Max(3, repeats / 5), () => moe.Score(read, profiles, CancellationToken.None), 4000 * 300);
        // A steady pass: every ready item against the few members with a free slot.
        Time(output, "moe score 4,000 × 10 from kept readings", repeats, () => moe.Score(read, profiles.Take(10).ToList(), CancellationToken.None), 4000 * 10);
    }

    /// <summary>
    /// What a read costs per item as its batch grows from the one item a create call reads: the fixed part of a forward (a few
    /// hundred small operations, whatever the batch) against the part that grows with the tokens.
    /// </summary>
    private static void ReadInBatches(MoeSkillModel moe, List<WorkItemText> people, int repeats, TextWriter output)
    {
        foreach (var size in new[] { 1, 2, 4, 8, 16, 32, 64 })
        {
            var next = 0;
            var ms = Median(repeats * 2, () =>
            {
                moe.Read(Enumerable.Range(next, size).Select(i => people[i % people.Count]).ToList(), CancellationToken.None);
                next += size;
            });
            output.WriteLine(Line($"moe read a batch of {size}: p50 {ms:F1} ms, {ms / size:F2} ms an item"));
        }
    }

    private static void CompareEncoders(DeepseekV3Config moeConfig, List<string> texts, MoeSkillModel moe, string folder, int repeats, TextWriter output)
    {
        var perExpert = moeConfig.MoeIntermediateSize;
        var variants = new (string Name, DeepseekV3Config Config)[]
        {
            ($"moe ({moeConfig.NRoutedExperts} routed top-{moeConfig.NumExpertsPerTok} + {moeConfig.NSharedExperts} shared)", moeConfig),
            ("dense, same active params", moeConfig with { FirstKDenseReplace = moeConfig.NumHiddenLayers, IntermediateSize = perExpert * (moeConfig.NumExpertsPerTok + moeConfig.NSharedExperts) }),
            ("dense, same total params", moeConfig with { FirstKDenseReplace = moeConfig.NumHiddenLayers, IntermediateSize = perExpert * (moeConfig.NRoutedExperts + moeConfig.NSharedExperts) }),
        };
        var tokenizer = Tokenization.WordPieceTokenizer.Load(Path.Combine(folder, Tokenization.WordPieceTokenizer.FileName));
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
