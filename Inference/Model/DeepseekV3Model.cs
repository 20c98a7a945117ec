using ClawGroups.Inference.SafeTensors;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// The DeepSeek-V3 / Kimi-K2 architecture at any size. Its state names are the Hugging Face checkpoint's
/// (<c>model.layers.3.mlp.experts.7.up_proj.weight</c>), so safetensors load by name. <see cref="forward"/>
/// returns final hidden states, for task heads to sit on; <c>lm_head</c> exists only when asked for.
/// </summary>
public sealed class DeepseekV3Model : nn.Module<Tensor, Tensor?, Tensor>
{
    [ComponentName(Name = "model")]
    private readonly DecoderStack _model;

    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;

    public DeepseekV3Model(DeepseekV3Config config, string device = "cpu", bool withLmHead = false)
        : base(nameof(DeepseekV3Model))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Device = ResolveDevice(device);
        _model = new DecoderStack(config);

        // Tied embeddings have no lm_head tensor in the checkpoint; logits then reuse embed_tokens.
        _lmHead = withLmHead && !config.TieWordEmbeddings ? nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false) : null;
        RegisterComponents();
        InitializeWeights();
        this.to(Device);
    }

    public DeepseekV3Config Config { get; }

    public Device Device { get; }

    public DecoderStack Decoder => _model;

    /// <summary>The routers of all MoE layers, in layer order.</summary>
    public IReadOnlyList<Router> Routers =>
        _model.Layers.Select(layer => layer.Moe?.Gate).OfType<Router>().ToList();

    /// <summary>Token ids [batch, seq] and optional padding mask [batch, seq] → hidden states [batch, seq, hidden].</summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask) => _model.forward(inputIds, attentionMask);

    /// <summary>Vocabulary logits from hidden states, through lm_head or the tied embeddings.</summary>
    public Tensor Logits(Tensor hiddenStates)
    {
        ArgumentNullException.ThrowIfNull(hiddenStates);
        if (_lmHead is not null)
        {
            return _lmHead.forward(hiddenStates);
        }

        return Config.TieWordEmbeddings
            ? nn.functional.linear(hiddenStates, _model.EmbedTokens.weight!)
            : throw new InvalidOperationException("This model was built without lm_head (withLmHead: false).");
    }

    /// <summary>Mean of the hidden states of real tokens: one vector per sequence, [batch, hidden].</summary>
    public static Tensor MeanPool(Tensor hiddenStates, Tensor? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(hiddenStates);
        if (attentionMask is null)
        {
            return hiddenStates.mean([1]);
        }

        using var scope = NewDisposeScope();
        var weights = attentionMask.to(hiddenStates.dtype).unsqueeze(-1);
        var pooled = (hiddenStates * weights).sum(1) / weights.sum(1).AtLeast(1);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>Nudges every router's expert bias toward balance (see <see cref="Router.UpdateLoadBalanceBias"/>).</summary>
    public void UpdateLoadBalanceBias(double rate)
    {
        foreach (var router in Routers)
        {
            router.UpdateLoadBalanceBias(rate);
        }
    }

    public CheckpointLoadReport LoadSafetensors(string path, bool strict = true) => LoadSafetensors([path], strict);

    public CheckpointLoadReport LoadSafetensors(IEnumerable<string> paths, bool strict = true) =>
        ModelCheckpoint.Load(this, paths, strict);

    public void SaveSafetensors(string path, SafeTensorsDType dtype = SafeTensorsDType.F32) =>
        ModelCheckpoint.Save(this, path, dtype);

    /// <summary>HF's _init_weights: normal(0, initializer_range) for linear, embedding and router weights; norms at one.</summary>
    private void InitializeWeights()
    {
        using var noGrad = no_grad();
        var std = Config.InitializerRange;
        foreach (var (_, module) in named_modules())
        {
            var weight = module switch
            {
                Linear linear => linear.weight,
                Embedding embedding => embedding.weight,
                Router router => router.Weight,
                _ => null,
            };
            if (weight is not null)
            {
                nn.init.normal_(weight, 0, std);
            }

            if (module is Linear { bias: { } bias })
            {
                bias.zero_();
            }
        }
    }

    private static Device ResolveDevice(string device)
    {
        var name = string.IsNullOrWhiteSpace(device) ? "cpu" : device.Trim();

        // Checked before torch.device, whose own error for a missing CUDA build does not say what to do.
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !cuda.is_available())
        {
            throw new InvalidOperationException(
                $"Device '{device}' was asked for, but CUDA is not available (TorchSharp-cpu build, or no GPU); use 'cpu'.");
        }

        return torch.device(name);
    }
}
