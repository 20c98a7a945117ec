using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// One transformer block (DeepseekV3DecoderLayer): pre-norm attention and pre-norm feed-forward, each with a
/// residual. The feed-forward is a dense SwiGLU for the first first_k_dense_replace layers, MoE after.
/// </summary>
public sealed class DecoderLayer : nn.Module<Tensor, RotaryAngles, Tensor, Tensor>
{
    [ComponentName(Name = "self_attn")]
    private readonly MlaAttention _selfAttn;

    [ComponentName(Name = "mlp")]
    private readonly nn.Module<Tensor, Tensor> _mlp;

    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputLayernorm;

    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionLayernorm;

    public DecoderLayer(DeepseekV3Config config, int layerIndex, string name = nameof(DecoderLayer))
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _selfAttn = new MlaAttention(config);
        _mlp = layerIndex < config.FirstKDenseReplace
            ? new Expert(config.HiddenSize, config.IntermediateSize)
            : new MoeLayer(config);
        _inputLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _postAttentionLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    /// <summary>The MoE block of this layer, or null for a dense layer.</summary>
    public MoeLayer? Moe => _mlp as MoeLayer;

    public override Tensor forward(Tensor hiddenStates, RotaryAngles rotary, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var attended = hiddenStates.Plus(_selfAttn.forward(_inputLayernorm.forward(hiddenStates), rotary, additiveMask));
        var output = attended.Plus(_mlp.forward(_postAttentionLayernorm.forward(attended)));
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The same block over packed real tokens [tokens, hidden] (see <see cref="PackedTokens"/>).</summary>
    public Tensor ForwardPacked(Tensor packed, PackedTokens layout, RotaryAngles rotary, Tensor additiveMask)
    {
        ArgumentNullException.ThrowIfNull(packed);
        using var scope = NewDisposeScope();
        var attended = packed.Plus(_selfAttn.ForwardPacked(_inputLayernorm.forward(packed), layout, rotary, additiveMask));
        var output = attended.Plus(_mlp.forward(_postAttentionLayernorm.forward(attended)));
        return output.MoveToOuterDisposeScope();
    }
}
