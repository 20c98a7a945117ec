using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>How a <see cref="MoeLayer"/> runs its routed experts when no gradient is wanted.</summary>
public enum ExpertDispatch
{
    /// <summary>One gather, each expert's two products on its run of rows, one weighted scatter (<see cref="GroupedExperts"/>).</summary>
    Grouped,

    /// <summary>Each expert as its own module: gather, three linears, scatter. The training path, and the reference.</summary>
    OneByOne,
}

/// <summary>
/// A MoE layer's experts packed for inference: each expert's gate and up projections side by side in one
/// [hidden, 2 × width] matrix, its down projection as [width, hidden], all experts in one block each, made once from
/// the modules' weights. A forward gathers every (token, slot) row once, sorted by expert; runs each expert's two
/// products into its run of rows of two buffers (addmm_ with beta 0, so no per-expert output is allocated and
/// concatenated); weighs the rows; and adds them into the shared expert's output with one index_add_. Per layer that is
/// a fixed ~15 operations plus two per busy expert, against ten per expert one by one.
/// </summary>
internal sealed class GroupedExperts : IDisposable
{
    private readonly long _width;
    private readonly Tensor _gateUp;
    private readonly Tensor _down;
    private readonly Tensor[] _gateUpOf;
    private readonly Tensor[] _downOf;
    private readonly Tensor? _sharedGateUp;
    private readonly Tensor? _sharedDown;

    public GroupedExperts(IReadOnlyList<Expert> experts, Expert? shared)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _width = experts[0].GateProj.weight!.shape[0];
        _gateUp = stack(experts.Select(PackedGateUp).ToArray()).contiguous();
        _down = stack(experts.Select(expert => expert.DownProj.weight!.t()).ToArray()).contiguous();
        _gateUpOf = Enumerable.Range(0, experts.Count).Select(e => _gateUp[e]).ToArray();
        _downOf = Enumerable.Range(0, experts.Count).Select(e => _down[e]).ToArray();
        if (shared is not null)
        {
            _sharedGateUp = PackedGateUp(shared).contiguous();
            _sharedDown = shared.DownProj.weight!.t().contiguous();
        }

        // Kept until Dispose, whatever scope the first forward ran in.
        foreach (var kept in _gateUpOf.Concat(_downOf).Append(_gateUp).Append(_down).Append(_sharedGateUp).Append(_sharedDown).OfType<Tensor>())
        {
            kept.DetachFromDisposeScope();
        }
    }

    /// <summary>Tokens [tokens, hidden] and their routing → the layer's output [tokens, hidden] (routed experts plus the shared one).</summary>
    public Tensor Forward(Tensor tokens, RoutingDecision routing)
    {
        using var scope = NewDisposeScope();
        var topK = routing.ExpertIndices.shape[1];
        var flatExperts = routing.ExpertIndices.flatten();
        var order = flatExperts.argsort();
        var tokenOfSlot = order.FloorDividedBy(topK);
        var weightOfSlot = routing.ExpertWeights.flatten().index_select(0, order).to(tokens.dtype).unsqueeze(1);
        var counts = flatExperts.bincount(null, _gateUpOf.Length).cpu().data<long>().ToArray();

        var routed = tokens.index_select(0, tokenOfSlot);
        var gateUp = empty(routed.shape[0], 2 * _width, dtype: tokens.dtype, device: tokens.device);
        ForEachExpert(counts, (expert, start, count) => gateUp.narrow(0, start, count).addmm_(routed.narrow(0, start, count), _gateUpOf[expert], beta: 0));
        var gated = SwiGlu(gateUp);
        var expertOutput = empty_like(routed);
        ForEachExpert(counts, (expert, start, count) => expertOutput.narrow(0, start, count).addmm_(gated.narrow(0, start, count), _downOf[expert], beta: 0));
        expertOutput.mul_(weightOfSlot);

        var output = _sharedGateUp is null ? zeros_like(tokens) : SwiGlu(tokens.matmul(_sharedGateUp)).matmul(_sharedDown!);
        return output.IndexAddInPlace(0, tokenOfSlot, expertOutput).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var tensor in _gateUpOf.Concat(_downOf))
        {
            tensor.Dispose();
        }

        _gateUp.Dispose();
        _down.Dispose();
        _sharedGateUp?.Dispose();
        _sharedDown?.Dispose();
    }

    /// <summary>[hidden, 2 × width]: x · this is gate_proj(x) and up_proj(x) side by side.</summary>
    private static Tensor PackedGateUp(Expert expert) => cat([expert.GateProj.weight!, expert.UpProj.weight!], 0).t();

    /// <summary>silu(gate) × up of [rows, 2 × width] gate-and-up rows.</summary>
    private Tensor SwiGlu(Tensor gateUp) => nn.functional.silu(gateUp.narrow(1, 0, _width)) * gateUp.narrow(1, _width, _width);

    private static void ForEachExpert(long[] counts, Action<int, long, long> run)
    {
        long start = 0;
        for (var expert = 0; expert < counts.Length; expert++)
        {
            if (counts[expert] > 0)
            {
                using var scope = NewDisposeScope();
                run(expert, start, counts[expert]);
                start += counts[expert];
            }
        }
    }
}
