using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// Where the real tokens of a padded [batch, seq] batch sit: their flat indices, in order. In inference the decoder keeps
/// hidden states packed, [real tokens, hidden], so norms, projections and experts never compute on padding; only attention's
/// scores need the padded [batch, heads, seq, seq] layout, and <see cref="Unpack"/> / <see cref="Pack"/> move between the two.
/// </summary>
public sealed class PackedTokens : IDisposable
{
    private PackedTokens(Tensor index, long batch, long seq)
    {
        Index = index;
        Batch = batch;
        Seq = seq;
    }

    /// <summary>Flat indices (row × seq + position) of the real tokens, [tokens].</summary>
    public Tensor Index { get; }

    public long Batch { get; }

    public long Seq { get; }

    /// <summary>The real tokens of a [batch, seq] mask of booleans.</summary>
    public static PackedTokens Of(Tensor keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        using var scope = NewDisposeScope();
        var index = keep.flatten().nonzero().squeeze(1).MoveToOuterDisposeScope();
        return new PackedTokens(index, keep.shape[0], keep.shape[1]);
    }

    /// <summary>[batch, seq, …] → [tokens, …]: the real tokens' rows.</summary>
    public Tensor Pack(Tensor padded)
    {
        ArgumentNullException.ThrowIfNull(padded);
        return padded.flatten(0, 1).index_select(0, Index);
    }

    /// <summary>[tokens, width] → [batch, seq, width], zeros at padding.</summary>
    public Tensor Unpack(Tensor packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        var width = packed.shape[^1];
        return zeros(Batch * Seq, width, dtype: packed.dtype, device: packed.device).index_copy_(0, Index, packed).view(Batch, Seq, width);
    }

    public void Dispose() => Index.Dispose();
}
