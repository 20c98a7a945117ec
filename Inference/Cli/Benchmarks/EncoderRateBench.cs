using System.Diagnostics;
using System.Globalization;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Hosting;
using ClawGroups.Inference.Model;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Benchmarks;

/// <summary>
/// <c>bench-encoder [--batch 128] [--repeats 15]</c>: the MoE encoder's arithmetic rate on one batch of held-out texts, on
/// the shipped weights, against what is measured beside it in the same process, in interleaved rounds (the machine is
/// shared, so only same-run ratios mean anything): the encoder as it ran before (one padded batch, experts one by one) and
/// each step since; a matmul probe that runs exactly the matrix products the served path runs (the same shapes, the same
/// FLOPs, on operands made beforehand, and nothing else), which is the rate this machine's libtorch reaches on them; a dense
/// model with the same total parameters (every feed-forward as wide as needed for the MoE's total), run the same way; and
/// large products of the probe's FLOPs, the rate where shape is no limit.
/// </summary>
public static class EncoderRateBench
{
    public static int Run(CommandOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var repeats = options.Int("repeats", 15);
        var batchSize = options.Int("batch", 128);
        var folder = options.Text("weights", SkillModelFiles.DefaultFolder());

        // As the server runs the encoder (decision 0019): on a machine shared with other work, OpenMP workers that spin
        // between regions made every variant several times slower and the ratios noise.
        OpenMpWaitPolicy.PreferPassive();
        using var moe = MoeSkillModel.Load(folder);
        var network = moe.Network;
        var config = network.Config;
        var tokenizer = WordPieceTokenizer.Load(Path.Combine(folder, WordPieceTokenizer.FileName));
        var corpus = SkillCorpus.Load(options.Text("corpus", SkillCorpus.DefaultFolder()));
        var sequences = corpus.HeldOut.Take(batchSize)
            .Select(item => tokenizer.Encode(SkillText.Of(item.ToWorkItem()), network.HeadsConfig.MaxTokens)).ToArray();
        var buckets = TokenBatch.Buckets(sequences).Select(bucket => bucket.Select(i => sequences[i]).ToList()).ToList();
        var flops = EncoderFlops.Of(config, sequences.Select(s => s.Length));
        var realTokens = sequences.Sum(s => s.Length);
        output.WriteLine(Line($"torch threads {get_num_threads()}, {Environment.ProcessorCount} cores, OMP_WAIT_POLICY {OpenMpWaitPolicy.Current() ?? "default"}; batch {sequences.Length} texts, {realTokens} tokens, longest {sequences.Max(s => s.Length)}"));
        output.WriteLine(Line($"padded tokens: one batch {sequences.Length * sequences.Max(s => s.Length)}, {buckets.Count} length buckets {buckets.Sum(b => b.Count * b.Max(s => s.Length))} (rows {string.Join("/", buckets.Select(b => b.Count))})"));
        output.WriteLine(Line($"useful FLOPs per text: {flops.Total / sequences.Length / 1e6:F2} M = attention projections {flops.AttentionProjections / sequences.Length / 1e6:F2} + attention scores {flops.AttentionScores / sequences.Length / 1e6:F2} + dense FFN {flops.DenseFeedForward / sequences.Length / 1e6:F2} + router {flops.Router / sequences.Length / 1e6:F2} + routed experts {flops.RoutedExperts / sequences.Length / 1e6:F2} + shared expert {flops.SharedExperts / sequences.Length / 1e6:F2}"));

        var (total, active) = Parameters(network);
        var denseWidth = DenseWidthOfEqualTotal(config, total);
        using var dense = new DeepseekV3Model(config with { FirstKDenseReplace = config.NumHiddenLayers, IntermediateSize = denseWidth });
        dense.eval();
        var denseTotal = dense.Decoder.Layers.Sum(layer => layer.parameters().Sum(p => p.numel()));
        var denseFlops = EncoderFlops.Of(config with { FirstKDenseReplace = config.NumHiddenLayers, IntermediateSize = denseWidth }, sequences.Select(s => s.Length)).Total;
        output.WriteLine(Line($"parameters (embeddings and heads excluded): moe {total:N0} total, {active:N0} active per token (total/active {(double)total / active:F2}); dense {denseTotal:N0} (feed-forward width {denseWidth})"));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var oneBatch = Padded(sequences, tokenizer.PadId);
        var padded = buckets.Select(bucket => Padded(bucket, tokenizer.PadId)).ToList();
        // The probe runs the served path's products: each half's (as TextHalves splits the batch), the halves side by side, when
        // the served path splits it (two threads or more to use); else the whole batch's.
        var halves = IntraOpThreads.OfThisThread > 1 ? HalvesOf(sequences, tokenizer.PadId) : null;
        using var firstProbe = halves is { } split ? ProbeOneThread(network, split.First) : MatmulProbe.Of(network, [oneBatch]);
        using var secondProbe = halves is { } parts ? ProbeOneThread(network, parts.Second) : null;
        Action runProbe = secondProbe is null ? firstProbe.Run : () => IntraOpThreads.SideBySide(get_num_threads(), firstProbe.Run, secondProbe.Run);
        var probeFlops = firstProbe.Flops + (secondProbe?.Flops ?? 0);
        var served = halves is null ? "the whole batch at once" : "the texts in two halves side by side";
        using var large = MatmulProbe.Large(probeFlops);

        var variants = new (string Name, double Flops, Action Run)[]
        {
            ("before: one padded batch, experts one by one", flops.Total, () => Encode(network, [oneBatch], ExpertDispatch.OneByOne, packTokens: false)),
            ("one padded batch, grouped experts", flops.Total, () => Encode(network, [oneBatch], ExpertDispatch.Grouped, packTokens: false)),
            ("length buckets, grouped experts", flops.Total, () => Encode(network, padded, ExpertDispatch.Grouped, packTokens: false)),
            ($"after (as served): real tokens packed, {served}", flops.Total, () => Encode(network, [oneBatch], ExpertDispatch.GroupedSideBySide, packTokens: true)),
            ("length buckets, real tokens packed, grouped experts (a bucket of 512 tokens or more in halves)", flops.Total, () => Encode(network, padded, ExpertDispatch.Grouped, packTokens: true)),
            ($"matmul probe: the after path's products alone, {served}", probeFlops, runProbe),
            ("dense of equal total params, the same way", denseFlops, () => EncodeDense(dense, [oneBatch], halvesSideBySide: true)),
            ("large products (3,072 × 512 × 512), the probe's FLOPs", large.Flops, large.Run),
            ("the whole batch at once, real tokens packed, grouped experts side by side (served until 2026-12-06)", flops.Total, () => Encode(network, [oneBatch], ExpertDispatch.GroupedSideBySide, packTokens: true, halvesSideBySide: false)),
            ("dense, the whole batch at once", denseFlops, () => EncodeDense(dense, [oneBatch], halvesSideBySide: false)),
        };
        var samples = variants.Select(_ => new List<double>()).ToArray();
        for (var round = -1; round < repeats; round++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var clock = Stopwatch.StartNew();
                variants[v].Run();
                if (round >= 0)
                {
                    samples[v].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        var medians = samples.Select(s => s.Order().ElementAt(s.Count / 2)).ToArray();
        for (var v = 0; v < variants.Length; v++)
        {
            output.WriteLine(Line($"{variants[v].Name}: p50 {medians[v]:F1} ms (min {samples[v].Min():F1}), {variants[v].Flops / 1e9:F2} GFLOP, {variants[v].Flops / (medians[v] / 1000) / 1e9:F1} GFLOP/s, ×{medians[v] / medians[0]:F2} of before's time"));
        }

        var afterRate = variants[3].Flops / medians[3];
        var probeRate = variants[5].Flops / medians[5];
        output.WriteLine(Line($"after's rate / probe's rate: {afterRate / probeRate:P0} (issue 17: ≥ 50 %); both count real tokens only"));
        output.WriteLine(Line($"dense time / after time: ×{medians[6] / medians[3]:F2}; bound 0.8 × total/active = ×{0.8 * total / active:F2}; the most FLOPs allow: ×{denseFlops / flops.Total:F2}"));
        output.WriteLine(Line($"speed-up, before → after: ×{medians[0] / medians[3]:F2}; the whole batch at once → two halves side by side: ×{medians[8] / medians[3]:F2} (dense ×{medians[9] / medians[6]:F2}); dense time / MoE time, both whole: ×{medians[9] / medians[8]:F2}"));

        return 0;
    }

    private static (Tensor Ids, Tensor Mask) Padded(IReadOnlyList<int[]> sequences, int padId) => TokenBatch.Pad(sequences, padId, CPU);

    private static void Encode(SkillNetwork network, IReadOnlyList<(Tensor Ids, Tensor Mask)> batches, ExpertDispatch dispatch, bool packTokens, bool halvesSideBySide = true)
    {
        network.ExpertDispatch = dispatch;
        network.PackTokens = packTokens;
        network.HalvesSideBySide = halvesSideBySide;
        foreach (var (ids, mask) in batches)
        {
            network.Encode(ids, mask).Dispose();
        }

        network.ExpertDispatch = ExpertDispatch.GroupedSideBySide;
        network.PackTokens = true;
        network.HalvesSideBySide = true;
    }

    private static void EncodeDense(DeepseekV3Model dense, IReadOnlyList<(Tensor Ids, Tensor Mask)> batches, bool halvesSideBySide)
    {
        dense.Decoder.HalvesSideBySide = halvesSideBySide;
        foreach (var (ids, mask) in batches)
        {
            using var scope = NewDisposeScope();
            DeepseekV3Model.MeanPool(dense.forward(ids, mask), mask);
        }

        dense.Decoder.HalvesSideBySide = true;
    }

    /// <summary>The batch split as the served path splits it (<see cref="TextHalves"/>), each half padded on its own.</summary>
    private static ((Tensor Ids, Tensor Mask) First, (Tensor Ids, Tensor Mask) Second)? HalvesOf(IReadOnlyList<int[]> sequences, int padId) =>
        TextHalves.Split(sequences.Select(s => (long)s.Length).ToList()) is var (first, second)
            ? (Padded(first.Select(row => sequences[(int)row]).ToList(), padId), Padded(second.Select(row => sequences[(int)row]).ToList(), padId))
            : null;

    /// <summary>A probe of one half's products, its routing read from a pass of that half alone on one thread (so not split again).</summary>
    private static MatmulProbe ProbeOneThread(SkillNetwork network, (Tensor Ids, Tensor Mask) half)
    {
        MatmulProbe? probe = null;
        IntraOpThreads.Run(1, () => probe = MatmulProbe.Of(network, [half]));
        return probe!;
    }

    /// <summary>The decoder's parameters, all and those one token passes through (all but the routed experts it is not sent to).</summary>
    private static (long Total, long Active) Parameters(SkillNetwork network)
    {
        var config = network.Config;
        var total = network.Layers.Sum(layer => layer.parameters().Sum(p => p.numel()));
        var moeLayers = network.Layers.Count(layer => layer.Moe is not null);
        var expert = 3L * config.HiddenSize * config.MoeIntermediateSize;
        return (total, total - (moeLayers * expert * (config.NRoutedExperts - config.NumExpertsPerTok)));
    }

    /// <summary>The width of a dense SwiGLU in every layer that gives the decoder the MoE's total parameters.</summary>
    private static int DenseWidthOfEqualTotal(DeepseekV3Config config, long moeTotal)
    {
        using var probe = new DeepseekV3Model(config with { FirstKDenseReplace = config.NumHiddenLayers, IntermediateSize = 1 });
        var withoutFeedForward = probe.Decoder.Layers.Sum(layer => layer.parameters().Sum(p => p.numel())) - (config.NumHiddenLayers * 3L * config.HiddenSize);
        return (int)Math.Round((moeTotal - withoutFeedForward) / (3.0 * config.HiddenSize * config.NumHiddenLayers));
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
