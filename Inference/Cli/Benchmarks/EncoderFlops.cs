using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Benchmarks;

/// <summary>
/// The multiply-adds (× 2) an encoder pass needs for texts of the given lengths, counted on real tokens only: what the
/// texts need, not what padding adds. Norms, rotary, softmax and routing's top-k are left out (a few per cent, and no
/// matrix product).
/// </summary>
public sealed record EncoderFlops(double AttentionProjections, double AttentionScores, double DenseFeedForward, double Router, double RoutedExperts, double SharedExperts)
{
    public double Total => AttentionProjections + AttentionScores + DenseFeedForward + Router + RoutedExperts + SharedExperts;

    public static EncoderFlops Of(DeepseekV3Config config, IEnumerable<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(lengths);
        var list = lengths.ToList();
        double tokens = list.Sum();
        double squares = list.Sum(l => (double)l * l);
        var (h, heads) = ((double)config.HiddenSize, (double)config.NumAttentionHeads);
        var queries = config.QLoraRank is { } rank ? (h * rank) + (rank * heads * config.QkHeadDim) : h * heads * config.QkHeadDim;
        var projections = queries + (h * (config.KvLoraRank + config.QkRopeHeadDim)) + (config.KvLoraRank * heads * (config.QkNopeHeadDim + config.VHeadDim)) + (heads * config.VHeadDim * h);
        var layers = config.NumHiddenLayers;
        var moeLayers = layers - config.FirstKDenseReplace;
        var expert = 3 * h * config.MoeIntermediateSize;
        return new EncoderFlops(
            AttentionProjections: 2 * tokens * projections * layers,
            AttentionScores: 2 * squares * heads * (config.QkHeadDim + config.VHeadDim) * layers,
            DenseFeedForward: 2 * tokens * 3 * h * config.IntermediateSize * config.FirstKDenseReplace,
            Router: 2 * tokens * h * config.NRoutedExperts * moeLayers,
            RoutedExperts: 2 * tokens * config.NumExpertsPerTok * expert * moeLayers,
            SharedExperts: 2 * tokens * config.NSharedExperts * expert * moeLayers);
    }
}
