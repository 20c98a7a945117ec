using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Training;

/// <summary>The knobs of a training run; the defaults made the shipped weights (Inference/Weights/README.md).</summary>
public sealed record TrainOptions
{
    public int Seed { get; init; } = 5;
    public int Steps { get; init; } = 450;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 3e-3;
    public int VocabularySize { get; init; } = 3000;
    public int EmbeddingDim { get; init; } = 128;
    public int MaxTokens { get; init; } = 48;

    /// <summary>Per-step change of a router's expert bias, as in DeepSeek-V3's bias update speed.</summary>
    public double BiasUpdateRate { get; init; } = 1e-3;

    public static TrainOptions From(CommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var defaults = new TrainOptions();
        return new TrainOptions
        {
            Seed = options.Int("seed", defaults.Seed),
            Steps = options.Int("steps", defaults.Steps),
            BatchSize = options.Int("batch", defaults.BatchSize),
            LearningRate = options.Double("lr", defaults.LearningRate),
            VocabularySize = options.Int("vocab", defaults.VocabularySize),
            BiasUpdateRate = options.Double("bias-rate", defaults.BiasUpdateRate),
        };
    }

    /// <summary>
    /// The encoder at the size that trains on two CPU cores in minutes: MLA attention, a first dense layer, then
    /// MoE layers of 8 routed experts (top-2) and one shared expert.
    /// </summary>
    public DeepseekV3Config EncoderConfig(int vocabularySize) => new()
    {
        VocabSize = vocabularySize,
        HiddenSize = 128,
        IntermediateSize = 384,
        MoeIntermediateSize = 128,
        NumHiddenLayers = 3,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 4,
        NSharedExperts = 1,
        NRoutedExperts = 8,
        NumExpertsPerTok = 2,
        RoutedScalingFactor = 1.0,
        FirstKDenseReplace = 1,
        NGroup = 1,
        TopkGroup = 1,
        QLoraRank = 96,
        KvLoraRank = 64,
        QkRopeHeadDim = 16,
        QkNopeHeadDim = 16,
        VHeadDim = 32,
        MaxPositionEmbeddings = 256,
        InitializerRange = 0.02,
        PadTokenId = 0,
        BosTokenId = 1,
        EosTokenId = 3,
    };
}
