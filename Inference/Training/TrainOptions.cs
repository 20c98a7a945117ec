using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Training;

/// <summary>The knobs of a training run; the defaults made the shipped weights (Inference/Weights/README.md).</summary>
public sealed record TrainOptions
{
    public int Seed { get; init; } = 5;

    /// <summary>Steps of learning language from the teacher's sentence vectors, and sentences per step.</summary>
    public int DistillSteps { get; init; } = 6000;
    public int DistillBatch { get; init; } = 64;
    public double DistillLearningRate { get; init; } = 2e-3;

    /// <summary>Steps of learning to route items to skills (with the teacher's vectors still asked of a smaller batch), and items per step.</summary>
    public int RouteSteps { get; init; } = 3000;
    public int RouteBatch { get; init; } = 32;
    public double RouteLearningRate { get; init; } = 5e-4;

    /// <summary>How much the routing steps still ask the student to read sentences as the teacher does, so it keeps what it learned.</summary>
    public double RouteDistillWeight { get; init; } = 1.0;

    /// <summary>Items per area made afresh for routing beside the shipped training split (<see cref="Corpus.CorpusGenerator.MoreTrainingItems"/>).</summary>
    public int RouteExtraPerArea { get; init; } = 1000;

    /// <summary>The chance that routing leaves out each word piece of a training item, so no single word decides its area.</summary>
    public double RouteWordDropout { get; init; } = 0.1;

    /// <summary>Layers below this one keep what distillation taught them while routing is learned (0: every layer learns).</summary>
    public int RouteFreezeBelow { get; init; }

    /// <summary>A weights folder to start from instead of the teacher's pieces (its distillation, say), or null.</summary>
    public string? Init { get; init; }

    /// <summary>Where to write the network as distillation leaves it, to start routing experiments from (<see cref="Init"/>), or null.</summary>
    public string? SaveDistilled { get; init; }

    public int HiddenSize { get; init; } = 256;
    public int MaxTokens { get; init; } = 64;

    /// <summary>Per-step change of a router's expert bias, as in DeepSeek-V3's bias update speed.</summary>
    public double BiasUpdateRate { get; init; } = 1e-3;

    /// <summary>
    /// The encoder at the size that trains on two CPU cores within the hour and reads 300+ items a second: MLA attention, a first
    /// dense layer, then three MoE layers of 16 fine-grained routed experts (top-2) and one shared expert, as Kimi K2 arranges them
    /// at scale. Its width is the teacher-derived token embeddings' (<see cref="Distillation.PieceEmbeddings"/>).
    /// </summary>
    public DeepseekV3Config EncoderConfig(int vocabularySize) => new()
    {
        VocabSize = vocabularySize,
        HiddenSize = HiddenSize,
        IntermediateSize = HiddenSize * 2,
        MoeIntermediateSize = HiddenSize * 3 / 8,
        NumHiddenLayers = 4,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 4,
        NSharedExperts = 1,
        NRoutedExperts = 16,
        NumExpertsPerTok = 2,
        RoutedScalingFactor = 1.0,
        FirstKDenseReplace = 1,
        NGroup = 1,
        TopkGroup = 1,
        QLoraRank = HiddenSize / 2,
        KvLoraRank = HiddenSize / 4,
        QkRopeHeadDim = 16,
        QkNopeHeadDim = 32,
        VHeadDim = 32,
        MaxPositionEmbeddings = 256,
        InitializerRange = 0.02,
        PadTokenId = 0,
        BosTokenId = 2,
        EosTokenId = 3,
    };
}
