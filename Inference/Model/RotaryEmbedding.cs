using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>The cosine and sine tables of rotary positions, [batch, seq, rope_dim] each.</summary>
public sealed record RotaryAngles(Tensor Cos, Tensor Sin);

/// <summary>
/// Rotary position embedding for the rope part of queries and keys (qk_rope_head_dim). It has no weights,
/// so it is not a module and never appears among the checkpoint's tensors.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly long _dim;
    private readonly double _theta;

    public RotaryEmbedding(long dim, double theta)
    {
        _dim = dim;
        _theta = theta;
    }

    /// <summary>Angles for integer positions [batch, seq]; computed per call because they are cheap next to attention.</summary>
    public RotaryAngles Compute(Tensor positionIds, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(positionIds);
        using var scope = NewDisposeScope();
        var exponents = Arithmetic.Range(_dim, 2, int64, positionIds.device).to(float32).DividedBy(_dim);
        using var theta = tensor(_theta);
        var inverseFrequencies = pow(theta, exponents).reciprocal();
        var frequencies = positionIds.to(float32).unsqueeze(-1) * inverseFrequencies;
        var angles = cat([frequencies, frequencies], -1);
        var cos = angles.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = angles.sin().to(dtype).MoveToOuterDisposeScope();
        return new RotaryAngles(cos, sin);
    }

    /// <summary>
    /// Rotates [batch, heads, seq, rope_dim] by the angles. With <paramref name="interleave"/> the checkpoint's
    /// rope weights produce (x0, x1), (x2, x3)… pairs, as DeepSeek trained them; they are first regrouped into
    /// halves so the usual rotate-half formula applies (HF's apply_rotary_pos_emb_interleave).
    /// </summary>
    public static Tensor Apply(Tensor x, RotaryAngles angles, bool interleave)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(angles);
        using var scope = NewDisposeScope();
        if (interleave)
        {
            var (b, h, s, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            x = x.view(b, h, s, d / 2, 2).transpose(4, 3).reshape(b, h, s, d);
        }

        var cos = angles.Cos.unsqueeze(1);
        var sin = angles.Sin.unsqueeze(1);
        return (x * cos).Plus(RotateHalf(x) * sin).MoveToOuterDisposeScope();
    }

    private static Tensor RotateHalf(Tensor x)
    {
        var halves = x.chunk(2, -1);
        return cat([-halves[1], halves[0]], -1);
    }
}
