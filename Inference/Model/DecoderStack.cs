using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// Embeddings → decoder layers → final norm: the part of the checkpoint under <c>model.</c>
/// (HF's DeepseekV3Model). Attention is causal, as the architecture was trained.
/// </summary>
public sealed class DecoderStack : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly RotaryEmbedding _rotary;

    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _embedTokens;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<DecoderLayer> _layers;

    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;

    public DecoderStack(DeepseekV3Config config, string name = nameof(DecoderStack))
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _rotary = new RotaryEmbedding(config.QkRopeHeadDim, config.RopeTheta);
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        _layers = new ModuleList<DecoderLayer>(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(index => new DecoderLayer(config, index))
            .ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    public Embedding EmbedTokens => _embedTokens;

    /// <summary>Whether a padded batch runs packed (real tokens only) when no gradient is wanted; with gradients it never does.</summary>
    public bool PackTokens { get; set; } = true;

    public IReadOnlyList<DecoderLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<DecoderLayer>(_layers);

    /// <summary>
    /// Token ids [batch, seq] and an optional padding mask [batch, seq] (1 = token, 0 = padding) → final
    /// hidden states [batch, seq, hidden]. Positions count real tokens only, so a sequence's outputs do not
    /// depend on how much padding sits before or after it.
    /// </summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var (batch, seq) = (inputIds.shape[0], inputIds.shape[1]);
        var keep = attentionMask?.to(@bool) ?? ones(batch, seq, dtype: @bool, device: inputIds.device);

        var positions = keep.to(int64).cumsum(-1).Minus(1).AtLeast(0);
        var rotary = _rotary.Compute(positions, _embedTokens.weight!.dtype);
        var mask = AdditiveMask(keep, _embedTokens.weight!.dtype);
        if (PackTokens && !is_grad_enabled() && attentionMask is not null)
        {
            return ForwardPacked(inputIds, keep, rotary, mask).MoveToOuterDisposeScope();
        }

        var hidden = _embedTokens.forward(inputIds);
        foreach (var layer in _layers)
        {
            hidden = layer.forward(hidden, rotary, mask);
        }

        return _norm.forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Inference over the real tokens only (<see cref="PackedTokens"/>): a padded batch of texts of mixed lengths spends
    /// nothing on its padding but in attention's scores. Padding positions of the result are zeros.
    /// </summary>
    private Tensor ForwardPacked(Tensor inputIds, Tensor keep, RotaryAngles rotary, Tensor mask)
    {
        using var layout = PackedTokens.Of(keep);
        var hidden = _embedTokens.forward(inputIds.flatten().index_select(0, layout.Index));
        foreach (var layer in _layers)
        {
            hidden = layer.ForwardPacked(hidden, layout, rotary, mask);
        }

        return layout.Unpack(_norm.forward(hidden));
    }

    /// <summary>
    /// [batch, 1, seq, seq]: 0 where query i may attend key j (j ≤ i and j not padding), else the dtype's
    /// lowest finite value. Finite, so a padding query with nothing to attend gets a uniform row, not NaN.
    /// </summary>
    private static Tensor AdditiveMask(Tensor keep, ScalarType dtype)
    {
        var seq = keep.shape[1];
        var causal = ones(seq, seq, dtype: @bool, device: keep.device).tril();
        var allowed = causal.unsqueeze(0).unsqueeze(0).logical_and(keep.unsqueeze(1).unsqueeze(1));
        return zeros(allowed.shape, dtype: dtype, device: keep.device).FilledWhere(allowed.logical_not(), finfo(dtype).min);
    }
}
