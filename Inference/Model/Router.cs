using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>The experts chosen for each token, [tokens, k], and their weights, [tokens, k].</summary>
public sealed record RoutingDecision(Tensor ExpertIndices, Tensor ExpertWeights);

/// <summary>
/// DeepSeek-V3 routing (<c>mlp.gate</c>, topk_method "noaux_tc"): sigmoid affinities; a per-expert bias that
/// only steers which experts are chosen (group-limited top-k); weights from the unbiased affinities,
/// normalized when norm_topk_prob and scaled by routed_scaling_factor. The bias is trained without an
/// auxiliary loss, by <see cref="UpdateLoadBalanceBias"/> (Wang et al. 2024, "Auxiliary-Loss-Free Load Balancing").
/// </summary>
public sealed class Router : nn.Module<Tensor, RoutingDecision>
{
    private readonly int _topK;
    private readonly int _groups;
    private readonly int _topKGroups;
    private readonly bool _normalize;
    private readonly double _scalingFactor;

    /// <summary>Token counts are plain tensors outside the module's state, so they are never saved as weights.</summary>
    private readonly LoadStatistics _load = new();

    [ComponentName(Name = "weight")]
    private Parameter _weight;

    // A persistent buffer, as in HF's DeepseekV3TopkRouter: checkpoints carry it, optimizers never see it.
    [ComponentName(Name = "e_score_correction_bias")]
    private Tensor _scoreCorrectionBias;

    public Router(DeepseekV3Config config, string name = nameof(Router))
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _topK = config.NumExpertsPerTok;
        _groups = config.NGroup;
        _topKGroups = config.TopkGroup;
        _normalize = config.NormTopkProb;
        _scalingFactor = config.RoutedScalingFactor;
        ExpertCount = config.NRoutedExperts;
        _weight = new Parameter(empty(config.NRoutedExperts, config.HiddenSize));
        _scoreCorrectionBias = zeros(config.NRoutedExperts);
        RegisterComponents();
    }

    public int ExpertCount { get; }

    public Parameter Weight => _weight;

    public Tensor ScoreCorrectionBias => _scoreCorrectionBias;

    /// <summary>Routes [tokens, hidden] hidden states.</summary>
    public override RoutingDecision forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var scores = nn.functional.linear(input.to(float32), _weight.to(float32)).sigmoid();
        var indices = ChooseExperts(scores);
        var weights = scores.gather(1, indices);
        if (_normalize)
        {
            weights = weights / weights.sum(-1, keepdim: true).Plus(1e-20);
        }

        weights = weights.Times(_scalingFactor);
        _load.Record(indices, ExpertCount);
        return new RoutingDecision(indices.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>Tokens sent to each expert by the last forward pass through this router (a batch's last half, when it ran in halves).</summary>
    public long[] LastExpertLoad() => _load.Last();

    /// <summary>Tokens sent to each expert since the last bias update.</summary>
    public long[] PendingExpertLoad() => _load.Pending();

    /// <summary>
    /// Moves each expert's bias by <paramref name="rate"/> toward balance: up for experts that got fewer tokens
    /// than the mean since the last update, down for those that got more; then starts counting afresh.
    /// </summary>
    public void UpdateLoadBalanceBias(double rate)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var pending = _load.TakePending() ?? zeros(ExpertCount, dtype: int64);
        var load = pending.to(float32).to(_scoreCorrectionBias.device);
        var error = load.mean() - load;
        _scoreCorrectionBias.PlusInPlace(error.sign().to(_scoreCorrectionBias.dtype).Times(rate));
    }

    public void ResetLoadStatistics() => _load.Reset();

    /// <summary>Group-limited top-k on the biased scores: best topk_group groups by their two best experts, then top-k within them.</summary>
    private Tensor ChooseExperts(Tensor scores)
    {
        using var noGrad = no_grad();
        var tokens = scores.shape[0];
        var perGroup = ExpertCount / _groups;
        var choice = scores.detach().Plus(_scoreCorrectionBias.to(float32).unsqueeze(0));
        var groupScores = choice.view(tokens, _groups, perGroup).topk(Math.Min(2, perGroup), dim: -1).values.sum(-1);
        var bestGroups = groupScores.topk(_topKGroups, dim: -1, sorted: false).indexes;
        var groupMask = zeros_like(groupScores, dtype: @bool).scatter_(1, bestGroups, ones_like(bestGroups, dtype: @bool));
        var expertMask = groupMask.unsqueeze(-1).expand(tokens, _groups, perGroup).reshape(tokens, ExpertCount);

        // -inf rather than HF's 0.0: with a negative bias a masked-out expert could otherwise outscore a kept one.
        choice = choice.FilledWhere(expertMask.logical_not(), double.NegativeInfinity);
        return choice.topk(_topK, dim: -1, sorted: false).indexes;
    }

    /// <summary>
    /// Per-expert token counts, kept on the routing device until someone asks for them. Locked: inference may run a batch's
    /// halves through the same router at once (<see cref="TextHalves"/>), and two threads replacing the last counts together
    /// would free the same tensor twice.
    /// </summary>
    private sealed class LoadStatistics
    {
        private readonly Lock _lock = new();
        private Tensor? _last;
        private Tensor? _pending;

        public void Record(Tensor indices, int experts)
        {
            using var noGrad = no_grad();
            var counts = indices.flatten().bincount(null, experts).DetachFromDisposeScope();
            lock (_lock)
            {
                _last?.Dispose();
                _last = counts;
                var sameDevice = _pending is not null && _pending.device_type == counts.device_type && _pending.device_index == counts.device_index;
                var pending = sameDevice ? _pending!.Plus(counts) : counts.clone();
                _pending?.Dispose();
                _pending = pending.DetachFromDisposeScope();
            }
        }

        public long[] Last()
        {
            lock (_lock)
            {
                return _last is null ? [] : _last.cpu().data<long>().ToArray();
            }
        }

        public long[] Pending()
        {
            lock (_lock)
            {
                return _pending is null ? [] : _pending.cpu().data<long>().ToArray();
            }
        }

        /// <summary>Hands the pending counts (and their disposal) to the caller and starts counting afresh.</summary>
        public Tensor? TakePending()
        {
            lock (_lock)
            {
                var pending = _pending;
                _pending = null;
                return pending;
            }
        }

        public void Reset()
        {
            lock (_lock)
            {
                _last?.Dispose();
                _pending?.Dispose();
                _last = null;
                _pending = null;
            }
        }
    }
}
