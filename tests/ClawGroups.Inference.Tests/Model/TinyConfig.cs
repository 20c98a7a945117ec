using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Tests.Model;

/// <summary>A DeepSeek-V3 small enough to run in milliseconds, with every kind of layer and tensor present.</summary>
internal static class TinyConfig
{
    public static DeepseekV3Config Create() => new()
    {
        VocabSize = 64,
        HiddenSize = 32,
        IntermediateSize = 48,
        MoeIntermediateSize = 16,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 4,
        NSharedExperts = 1,
        NRoutedExperts = 8,
        NumExpertsPerTok = 2,
        RoutedScalingFactor = 2.5,
        FirstKDenseReplace = 1,
        NGroup = 4,
        TopkGroup = 2,
        QLoraRank = 24,
        KvLoraRank = 16,
        QkRopeHeadDim = 8,
        QkNopeHeadDim = 8,
        VHeadDim = 12,
        MaxPositionEmbeddings = 128,
        RmsNormEps = 1e-6,
        InitializerRange = 0.2,
    };
}
