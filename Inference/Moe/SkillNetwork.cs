using ClawGroups.Inference.Model;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The DeepSeek-V3 encoder with the coordinator's three heads on its mean-pooled output: an embedding for
/// item↔profile affinity, multi-label skill-area logits, and ln(duration) in standard units. State names are
/// the checkpoint's (<c>model.layers.…</c>) plus <c>skill_heads.…</c>, so a DeepSeek-V3 loader reads the
/// encoder out of the same file and reports the heads as unexpected.
/// </summary>
public sealed class SkillNetwork : nn.Module
{
    [ComponentName(Name = "model")]
    private readonly DecoderStack _model;

    [ComponentName(Name = "skill_heads")]
    private readonly SkillHeads _heads;

    private readonly IReadOnlyList<Router> _routers;

    public SkillNetwork(DeepseekV3Config config, SkillHeadsConfig heads)
        : base(nameof(SkillNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(heads);

        // Built through DeepseekV3Model for its HF initialisation; only its decoder stack is kept.
        var encoder = new DeepseekV3Model(config);
        _model = encoder.Decoder;
        _routers = encoder.Routers;
        _heads = new SkillHeads(config.HiddenSize, heads.EmbeddingDim, heads.Areas.Count);
        Config = config;
        HeadsConfig = heads;
        RegisterComponents();
    }

    public DeepseekV3Config Config { get; }

    public SkillHeadsConfig HeadsConfig { get; }

    public IReadOnlyList<Router> Routers => _routers;

    /// <summary>Whether inference runs on real tokens only (see <see cref="DecoderStack.PackTokens"/>).</summary>
    public bool PackTokens
    {
        get => _model.PackTokens;
        set => _model.PackTokens = value;
    }

    /// <summary>Whether inference runs a large batch's texts in two halves side by side (see <see cref="DecoderStack.HalvesSideBySide"/>).</summary>
    public bool HalvesSideBySide
    {
        get => _model.HalvesSideBySide;
        set => _model.HalvesSideBySide = value;
    }

    /// <summary>How every MoE layer runs its routed experts without gradients (see <see cref="Model.ExpertDispatch"/>).</summary>
    public ExpertDispatch ExpertDispatch
    {
        get => _model.Layers.Select(layer => layer.Moe?.Dispatch).OfType<ExpertDispatch>().FirstOrDefault();
        set
        {
            foreach (var layer in _model.Layers)
            {
                if (layer.Moe is { } moe)
                {
                    moe.Dispatch = value;
                }
            }
        }
    }

    /// <summary>The token embeddings (<c>model.embed_tokens</c>), which training starts from the teacher's and keeps frozen.</summary>
    public Embedding TokenEmbeddings => _model.EmbedTokens;

    /// <summary>The encoder's layers, first to last (<c>model.layers.N</c>).</summary>
    public IReadOnlyList<DecoderLayer> Layers => _model.Layers;

    /// <summary>Token ids and padding mask [batch, seq] → mean-pooled hidden state [batch, hidden].</summary>
    public Tensor Encode(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return DeepseekV3Model.MeanPool(_model.forward(ids, mask), mask).MoveToOuterDisposeScope();
    }

    /// <summary>Token ids and padding mask [batch, seq] → each token's final hidden state [batch, seq, hidden], whose mean <see cref="Encode"/> is.</summary>
    public Tensor EncodeTokens(Tensor ids, Tensor mask) => _model.forward(ids, mask);

    /// <summary>Unit-length embeddings [batch, embedding_dim]: their dot product is the affinity.</summary>
    public Tensor Embed(Tensor pooled) => nn.functional.normalize(_heads.Embedding.forward(pooled), p: 2, dim: -1);

    /// <summary>The embedding head's projection (pooled → embedding), which a group's fine-tuning starts from.</summary>
    public Linear EmbeddingProjection => _heads.Embedding;

    /// <summary>The duration head's projection (pooled → ln seconds in standard units), which a group's tuning starts from.</summary>
    public Linear DurationProjection => _heads.Duration;

    public Tensor SkillLogits(Tensor pooled) => _heads.Skills.forward(pooled);

    /// <summary>ln(seconds) in standard units (see <see cref="SkillHeadsConfig.DurationLogMean"/>), [batch].</summary>
    public Tensor DurationStandardLog(Tensor pooled) => _heads.Duration.forward(pooled).squeeze(-1);

    public void UpdateLoadBalanceBias(double rate)
    {
        foreach (var router in _routers)
        {
            router.UpdateLoadBalanceBias(rate);
        }
    }

    /// <summary>The heads' layers, named as in the checkpoint under <c>skill_heads.</c>.</summary>
    private sealed class SkillHeads : nn.Module
    {
        [ComponentName(Name = "embedding")]
        private readonly Linear _embedding;

        [ComponentName(Name = "skills")]
        private readonly Linear _skills;

        [ComponentName(Name = "duration")]
        private readonly Linear _duration;

        public SkillHeads(long hidden, long embeddingDim, long areas)
            : base(nameof(SkillHeads))
        {
            _embedding = nn.Linear(hidden, embeddingDim);
            _skills = nn.Linear(hidden, Math.Max(1, areas));
            _duration = nn.Linear(hidden, 1);
            RegisterComponents();
        }

        public Linear Embedding => _embedding;

        public Linear Skills => _skills;

        public Linear Duration => _duration;
    }
}
