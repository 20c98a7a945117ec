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

    /// <summary>
    /// In inference, the experts run as batched products while padding adds at most this many rows per expert, and one by
    /// one above it. A loop step costs about ten small operations (~0.2 ms here), what some 30 rows of an expert cost to
    /// compute; so a small batch, however unevenly routed, is cheaper batched, and a large batch routed very unevenly (an
    /// untrained router) is cheaper in the loop.
    /// </summary>
    public long PaddedRowsPerExpert { get; set; } = 32;

    /// <summary>[batch, seq, hidden] → [batch, seq, hidden].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var hiddenSize = input.shape[^1];
        var tokens = input.reshape(-1, hiddenSize);
        var routing = _gate.forward(tokens);
        var output = DispatchToExperts(tokens, routing);
        if (_sharedExperts is not null)
        {
            output = output.Plus(_sharedExperts.forward(tokens));
        }

        return output.view(input.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs each expert once on all of its tokens: the (token, slot) pairs are sorted by expert so that each expert's
    /// tokens are one contiguous run, gathered and scattered back, weighted, with index_add_. Counting the experts' tokens
    /// costs one copy of E numbers to the host. Training loops over the experts, so gradients reach each expert's own
    /// weights; inference runs them as batched products where that pads little (<see cref="PaddedRowsPerExpert"/>).
    /// </summary>
    private Tensor DispatchToExperts(Tensor tokens, RoutingDecision routing)
    {
        var topK = routing.ExpertIndices.shape[1];
        var flatExperts = routing.ExpertIndices.flatten();
        var order = flatExperts.argsort();
        var slots = new Slots(
            flatExperts.index_select(0, order),
            order.FloorDividedBy(topK),
            routing.ExpertWeights.flatten().index_select(0, order).to(tokens.dtype).unsqueeze(1),
            flatExperts.bincount(null, _experts.Count).cpu().data<long>().ToArray());
        var padding = (_experts.Count * slots.Counts.Max()) - order.shape[0];
        return !training && padding <= _experts.Count * PaddedRowsPerExpert ? ByBatchedProducts(tokens, slots) : ExpertByExpert(tokens, slots);
    }

    private Tensor ExpertByExpert(Tensor tokens, Slots slots)
    {
        // Written in place: it starts as a constant, so autograd tracks only the expert outputs added into it.
        var output = zeros_like(tokens);
        long start = 0;
        for (var expert = 0; expert < slots.Counts.Length; expert++)
        {
            var count = slots.Counts[expert];
            if (count == 0)
            {
                continue;
            }

            var rows = slots.TokenOfSlot.narrow(0, start, count);
            var expertOutput = _experts[expert].forward(tokens.index_select(0, rows));
            output.IndexAddInPlace(0, rows, expertOutput * slots.WeightOfSlot.narrow(0, start, count));
            start += count;
        }

        return output;
    }

    /// <summary>
    /// The same computation in a fixed number of operations: each expert's tokens are laid into a padded [experts, most
    /// tokens of any expert, hidden] block and all experts run as three batched matrix products over their stacked
    /// weights. The loop costs some ten operations per expert per layer, which at small batches is most of a forward pass.
    /// </summary>
    private Tensor ByBatchedProducts(Tensor tokens, Slots slots)
    {
        var experts = _experts.Count;
        var capacity = slots.Counts.Max();
        var starts = new long[experts];
        for (var expert = 1; expert < experts; expert++)
        {
            starts[expert] = starts[expert - 1] + slots.Counts[expert - 1];
        }

        // Each slot's row in the padded block: its expert's block, then its place among that expert's slots.
        var place = Arithmetic.Range(slots.ExpertOfSlot.shape[0], 1, int64, tokens.device)
                    - tensor(starts, device: tokens.device).index_select(0, slots.ExpertOfSlot);
        var rowOfSlot = slots.ExpertOfSlot.TimesExactly(capacity).Plus(place);
        var hidden = tokens.shape[1];
        var padded = zeros(experts * capacity, hidden, dtype: tokens.dtype, device: tokens.device)
            .index_copy_(0, rowOfSlot, tokens.index_select(0, slots.TokenOfSlot))
            .view(experts, capacity, hidden);
        var gate = stack(_experts.Select(e => e.GateWeight)).transpose(1, 2);
        var up = stack(_experts.Select(e => e.UpWeight)).transpose(1, 2);
        var down = stack(_experts.Select(e => e.DownWeight)).transpose(1, 2);
        var activated = nn.functional.silu(bmm(padded, gate)) * bmm(padded, up);
        var outputs = bmm(activated, down).view(experts * capacity, hidden).index_select(0, rowOfSlot);
        return zeros_like(tokens).IndexAddInPlace(0, slots.TokenOfSlot, outputs * slots.WeightOfSlot);
    }

    /// <summary>The (token, expert) slots sorted by expert: each slot's expert, token and routing weight, and each expert's count.</summary>
    private sealed record Slots(Tensor ExpertOfSlot, Tensor TokenOfSlot, Tensor WeightOfSlot, long[] Counts);
}
