using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// Multi-head latent attention (DeepseekV3Attention). Queries pass through a low-rank bottleneck
/// (q_a_proj → q_a_layernorm → q_b_proj, or q_proj when q_lora_rank is null). Keys and values come from one
/// compressed latent of kv_lora_rank plus a single rope key shared by all heads (kv_a_proj_with_mqa),
/// expanded per head by kv_b_proj into the non-rotary key part and the value.
/// </summary>
public sealed class MlaAttention : nn.Module<Tensor, RotaryAngles, Tensor, Tensor>
{
    private readonly long _heads;
    private readonly long _nopeDim;
    private readonly long _ropeDim;
    private readonly long _valueDim;
    private readonly long _kvLoraRank;
    private readonly double _scale;
    private readonly double _dropout;
    private readonly bool _interleave;

    [ComponentName(Name = "q_proj")]
    private readonly Linear? _qProj;

    [ComponentName(Name = "q_a_proj")]
    private readonly Linear? _qAProj;

    [ComponentName(Name = "q_a_layernorm")]
    private readonly RmsNorm? _qALayernorm;

    [ComponentName(Name = "q_b_proj")]
    private readonly Linear? _qBProj;

    [ComponentName(Name = "kv_a_proj_with_mqa")]
    private readonly Linear _kvAProjWithMqa;

    [ComponentName(Name = "kv_a_layernorm")]
    private readonly RmsNorm _kvALayernorm;

    [ComponentName(Name = "kv_b_proj")]
    private readonly Linear _kvBProj;

    [ComponentName(Name = "o_proj")]
    private readonly Linear _oProj;

    public MlaAttention(DeepseekV3Config config, string name = nameof(MlaAttention))
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _heads = config.NumAttentionHeads;
        _nopeDim = config.QkNopeHeadDim;
        _ropeDim = config.QkRopeHeadDim;
        _valueDim = config.VHeadDim;
        _kvLoraRank = config.KvLoraRank;
        _scale = 1.0 / Math.Sqrt(config.QkHeadDim);
        _dropout = config.AttentionDropout;
        _interleave = config.RopeInterleave;

        var hidden = config.HiddenSize;
        if (config.QLoraRank is { } qRank)
        {
            _qAProj = nn.Linear(hidden, qRank, hasBias: config.AttentionBias);
            _qALayernorm = new RmsNorm(qRank, config.RmsNormEps);
            _qBProj = nn.Linear(qRank, _heads * config.QkHeadDim, hasBias: false);
        }
        else
        {
            _qProj = nn.Linear(hidden, _heads * config.QkHeadDim, hasBias: false);
        }

        _kvAProjWithMqa = nn.Linear(hidden, _kvLoraRank + _ropeDim, hasBias: config.AttentionBias);
        _kvALayernorm = new RmsNorm(_kvLoraRank, config.RmsNormEps);
        _kvBProj = nn.Linear(_kvLoraRank, _heads * (_nopeDim + _valueDim), hasBias: false);
        _oProj = nn.Linear(_heads * _valueDim, hidden, hasBias: config.AttentionBias);
        RegisterComponents();
    }

    /// <summary>
    /// [batch, seq, hidden] → [batch, seq, hidden]. <paramref name="additiveMask"/> is [batch, 1, seq, seq]:
    /// 0 where a query may look, a large negative number where it may not (future or padding).
    /// </summary>
    public override Tensor forward(Tensor hiddenStates, RotaryAngles rotary, Tensor additiveMask)
    {
        ArgumentNullException.ThrowIfNull(hiddenStates);
        using var scope = NewDisposeScope();
        var (batch, seq) = (hiddenStates.shape[0], hiddenStates.shape[1]);
        var (queries, keyValue, ropeKey) = Project(hiddenStates);
        var attended = Attend(queries, keyValue, ropeKey, batch, seq, rotary, additiveMask);
        return _oProj.forward(attended).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same attention over packed real tokens [tokens, hidden] (see <see cref="PackedTokens"/>): the projections run on
    /// real tokens only, the scores on the padded layout.
    /// </summary>
    public Tensor ForwardPacked(Tensor packed, PackedTokens layout, RotaryAngles rotary, Tensor additiveMask)
    {
        ArgumentNullException.ThrowIfNull(packed);
        ArgumentNullException.ThrowIfNull(layout);
        using var scope = NewDisposeScope();
        var (queries, keyValue, ropeKey) = Project(packed);
        var parts = layout.Unpack(cat([queries, keyValue, ropeKey], -1)).split([queries.shape[^1], keyValue.shape[^1], _ropeDim], -1);
        var attended = layout.Pack(Attend(parts[0], parts[1], parts[2], layout.Batch, layout.Seq, rotary, additiveMask));
        return _oProj.forward(attended).MoveToOuterDisposeScope();
    }

    /// <summary>Each token's queries, its keys' non-rotary part and values (expanded per head), and its shared rope key.</summary>
    private (Tensor Queries, Tensor KeyValue, Tensor RopeKey) Project(Tensor hiddenStates)
    {
        var queries = _qProj is not null
            ? _qProj.forward(hiddenStates)
            : _qBProj!.forward(_qALayernorm!.forward(_qAProj!.forward(hiddenStates)));
        var compressed = _kvAProjWithMqa.forward(hiddenStates).split([_kvLoraRank, _ropeDim], -1);
        return (queries, _kvBProj.forward(_kvALayernorm.forward(compressed[0])), compressed[1]);
    }

    /// <summary>Projections in the padded layout [batch, seq, …] (see <see cref="Project"/>) → attended values [batch, seq, heads × v].</summary>
    private Tensor Attend(Tensor queries, Tensor expandedKeyValue, Tensor ropeKey, long batch, long seq, RotaryAngles rotary, Tensor additiveMask)
    {
        var qParts = queries.reshape(batch, seq, _heads, _nopeDim + _ropeDim).transpose(1, 2).split([_nopeDim, _ropeDim], -1);
        var keyValue = expandedKeyValue.reshape(batch, seq, _heads, _nopeDim + _valueDim).transpose(1, 2).split([_nopeDim, _valueDim], -1);
        var sharedRopeKey = ropeKey.reshape(batch, 1, seq, _ropeDim);

        var queryRope = RotaryEmbedding.Apply(qParts[1], rotary, _interleave);
        var keyRope = RotaryEmbedding.Apply(sharedRopeKey, rotary, _interleave).expand(batch, _heads, seq, _ropeDim);
        var query = cat([qParts[0], queryRope], -1);
        var key = cat([keyValue[0], keyRope], -1);
        var value = keyValue[1];

        var scores = matmul(query, key.transpose(2, 3)).Times(_scale).Plus(additiveMask);
        var probabilities = scores.softmax(-1, float32).to(query.dtype);
        probabilities = nn.functional.dropout(probabilities, _dropout, training);
        return matmul(probabilities, value).transpose(1, 2).reshape(batch, seq, _heads * _valueDim);
    }
}
