using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// The mixture-of-experts feed-forward block (DeepseekV3MoE): shared experts see every token, and each token
/// also goes to the num_experts_per_tok routed experts its <see cref="Router"/> chooses.
/// </summary>
public sealed class MoeLayer : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "experts")]
    private readonly ModuleList<Expert> _experts;

    [ComponentName(Name = "gate")]
    private readonly Router _gate;

    [ComponentName(Name = "shared_experts")]
    private readonly Expert? _sharedExperts;

    /// <summary>The experts' weights packed for inference, made at the first grouped forward; not module state, never saved.</summary>
    private GroupedExperts? _grouped;

    /// <summary>Taken to pack or drop the packed copy: a batch's two halves may reach a layer's first forward at once.</summary>
    private readonly Lock _packing = new();

    public MoeLayer(DeepseekV3Config config, string name = nameof(MoeLayer))
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _experts = new ModuleList<Expert>(Enumerable.Range(0, config.NRoutedExperts)
            .Select(_ => new Expert(config.HiddenSize, config.MoeIntermediateSize))
            .ToArray());
        _gate = new Router(config);

        // The shared experts are stored as one block whose width is their sum, as in the checkpoints.
        _sharedExperts = config.NSharedExperts > 0
            ? new Expert(config.HiddenSize, (long)config.MoeIntermediateSize * config.NSharedExperts)
            : null;
        RegisterComponents();
    }

    public Router Gate => _gate;

    public IReadOnlyList<Expert> Experts => new System.Collections.ObjectModel.ReadOnlyCollection<Expert>(_experts);

    public Expert? SharedExperts => _sharedExperts;

    /// <summary>How the routed experts run in eval mode without gradients; in training or with gradients they always run <see cref="ExpertDispatch.OneByOne"/>.</summary>
    public ExpertDispatch Dispatch { get; set; } = ExpertDispatch.GroupedSideBySide;

    /// <summary>[batch, seq, hidden] → [batch, seq, hidden].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var hiddenSize = input.shape[^1];
        var tokens = input.reshape(-1, hiddenSize);
        var routing = _gate.forward(tokens);
        // Only in eval mode: in training the optimizer changes the weights under the packed copy, and no call says when.
        if (Dispatch != ExpertDispatch.OneByOne && !training && !is_grad_enabled())
        {
            return Grouped()
                .Forward(tokens, routing, sideBySide: Dispatch == ExpertDispatch.GroupedSideBySide).view(input.shape).MoveToOuterDisposeScope();
        }

        var output = DispatchToExperts(tokens, routing);
        if (_sharedExperts is not null)
        {
            output = output.Plus(_sharedExperts.forward(tokens));
        }

        return output.view(input.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Training changes the weights the grouped path packed, so switching mode drops the packed copy.</summary>
    public override void train(bool train = true)
    {
        ForgetPackedWeights();
        base.train(train);
    }

    /// <summary>Drops the packed copy of the experts' weights; the next grouped forward packs them afresh (after weights are loaded or changed).</summary>
    public void ForgetPackedWeights()
    {
        lock (_packing)
        {
            _grouped?.Dispose();
            _grouped = null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ForgetPackedWeights();
        }

        base.Dispose(disposing);
    }

    /// <summary>The packed copy of the experts' weights, made on first use (one copy, whichever half asks first).</summary>
    private GroupedExperts Grouped()
    {
        lock (_packing)
        {
            return _grouped ??= new GroupedExperts(_experts.ToList(), _sharedExperts);
        }
    }

    /// <summary>
    /// Runs each expert once on all of its tokens: the (token, slot) pairs are sorted by expert so that each
    /// expert's tokens are one contiguous run, gathered with index_select and scattered back, weighted, with
    /// index_add_. The only loop is over experts; counting them costs one copy of E numbers to the host.
    /// </summary>
    private Tensor DispatchToExperts(Tensor tokens, RoutingDecision routing)
    {
        var topK = routing.ExpertIndices.shape[1];
        var flatExperts = routing.ExpertIndices.flatten();
        var order = flatExperts.argsort();
        var tokenOfSlot = order.FloorDividedBy(topK);
        var weightOfSlot = routing.ExpertWeights.flatten().index_select(0, order).to(tokens.dtype).unsqueeze(1);
        var counts = flatExperts.bincount(null, _experts.Count).cpu().data<long>().ToArray();

        // Written in place: it starts as a constant, so autograd tracks only the expert outputs added into it.
        var output = zeros_like(tokens);
        long start = 0;
        for (var expert = 0; expert < counts.Length; expert++)
        {
            var count = counts[expert];
            if (count == 0)
            {
                continue;
            }

            var rows = tokenOfSlot.narrow(0, start, count);
            var expertOutput = _experts[expert].forward(tokens.index_select(0, rows));
            output.IndexAddInPlace(0, rows, expertOutput * weightOfSlot.narrow(0, start, count));
            start += count;
        }

        return output;
    }
}
