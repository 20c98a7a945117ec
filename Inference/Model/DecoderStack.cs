using ClawGroups.Inference.Hosting;
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

    /// <summary>
    /// Whether inference on the CPU runs a batch's texts in two halves side by side when the caller allows two threads or more
    /// and the batch is large enough (<see cref="TextHalves"/>); a GPU's batch runs whole. Off only to measure against.
    /// </summary>
    public bool HalvesSideBySide { get; set; } = true;

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
        var packs = PackTokens && !is_grad_enabled() && attentionMask is not null;
        if (packs && HalvesSideBySide && inputIds.device_type == DeviceType.CPU && IntraOpThreads.OfThisThread is int threads and > 1
            && InHalves(inputIds, attentionMask!, keep, threads) is { } halves)
        {
            return halves.MoveToOuterDisposeScope();
        }

        var positions = keep.to(int64).cumsum(-1).Minus(1).AtLeast(0);
        var rotary = _rotary.Compute(positions, _embedTokens.weight!.dtype);
        var mask = AdditiveMask(keep, _embedTokens.weight!.dtype);
        if (packs)
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
    /// The batch's texts in two halves side by side (<see cref="TextHalves"/>), each half's forward on a thread of its own with
    /// half of <paramref name="threads"/>, written into its rows of one [batch, seq, hidden] result (zeros at padding, as
    /// <see cref="ForwardPacked"/> leaves it). Each half is cut to the last real position of its own rows, so the shorter half
    /// pays attention's scores at its own length. Null when the batch is too small to split.
    /// </summary>
    private Tensor? InHalves(Tensor inputIds, Tensor attentionMask, Tensor keep, int threads)
    {
        var (batch, seq) = (keep.shape[0], keep.shape[1]);
        using var host = keep.cpu();
        var flags = host.data<bool>().ToArray();
        var lengths = new long[batch];
        var extents = new long[batch];
        for (var row = 0; row < batch; row++)
        {
            for (var position = 0; position < seq; position++)
            {
                if (flags[(row * seq) + position])
                {
                    lengths[row]++;
                    extents[row] = position + 1;
                }
            }
        }

        if (TextHalves.Split(lengths) is not var (first, second))
        {
            return null;
        }

        var output = zeros(batch, seq, _embedTokens.weight!.shape[1], dtype: _embedTokens.weight!.dtype, device: inputIds.device);
        void Half(long[] rows)
        {
            using var scope = NewDisposeScope();
            var width = Math.Max(1, rows.Max(row => extents[row]));
            var index = tensor(rows, device: inputIds.device);
            var states = forward(inputIds.index_select(0, index).narrow(1, 0, width), attentionMask.index_select(0, index).narrow(1, 0, width));
            // Each half writes rows of its own: the two never touch the same memory.
            output.narrow(1, 0, width).index_copy_(0, index, states);
        }

        IntraOpThreads.SideBySide(threads, () => Half(first), () => Half(second));
        return output;
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
