using ClawGroups.Inference.Hosting;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>How a <see cref="MoeLayer"/> runs its routed experts when no gradient is wanted.</summary>
public enum ExpertDispatch
{
    /// <summary>One gather, each expert's two products on its run of rows, one weighted scatter (<see cref="GroupedExperts"/>).</summary>
    Grouped,

    /// <summary>
    /// As <see cref="Grouped"/>, with the experts in two halves side by side, each on a thread of its own, when the caller lets
    /// libtorch use more than one thread and the rows are many (a batch of texts, not a few). The default.
    /// </summary>
    GroupedSideBySide,

    /// <summary>Each expert as its own module: gather, three linears, scatter. The training path, and the reference.</summary>
    OneByOne,
}

/// <summary>
/// A MoE layer's experts packed for inference: each expert's gate and up projections side by side in one
/// [hidden, 2 × width] matrix, its down projection as [width, hidden], all experts in one block each, made once from
/// the modules' weights. A forward gathers every (token, slot) row once, sorted by expert; runs each expert's two
/// products into its run of rows of two buffers (addmm_ with beta 0, so no per-expert output is allocated and
/// concatenated); weighs the rows; and adds them into the shared expert's output with one index_add_. Per layer that is
/// a fixed ~15 operations plus two per busy expert, against ten per expert one by one. With many rows and a caller allowed
/// two threads or more, the experts run in two halves side by side instead (<see cref="ExpertDispatch.GroupedSideBySide"/>).
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
    public Tensor Forward(Tensor tokens, RoutingDecision routing, bool sideBySide = true)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(routing);
        using var scope = NewDisposeScope();
        var topK = routing.ExpertIndices.shape[1];
        var flatExperts = routing.ExpertIndices.flatten();
        // Slots sorted by expert, so that each expert's rows are one run.
        var order = flatExperts.argsort();
        var tokenOfSlot = order.FloorDividedBy(topK);
        var weightOfSlot = routing.ExpertWeights.flatten().index_select(0, order).to(tokens.dtype).unsqueeze(1);
        // The only copy to the host: how many rows each expert has.
        var counts = flatExperts.bincount(null, _gateUpOf.Length).cpu().data<long>().ToArray();
        var rows = tokenOfSlot.shape[0] + (_sharedGateUp is null ? 0 : tokens.shape[0]);
        var threads = IntraOpThreads.OfThisThread;
        var output = RunsSideBySide(sideBySide, rows, threads)
            ? SideBySide(tokens, tokenOfSlot, weightOfSlot, counts, threads!.Value)
            : OneAfterAnother(tokens, tokenOfSlot, weightOfSlot, counts);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One gather of every row, each expert's two products into its run of rows of two buffers, one weighing, one scatter: the
    /// fewest operations, for a few texts' read on one thread.
    /// </summary>
    private Tensor OneAfterAnother(Tensor tokens, Tensor tokenOfSlot, Tensor weightOfSlot, long[] counts)
    {
        var routed = tokens.index_select(0, tokenOfSlot);
        var gateUp = empty(routed.shape[0], 2 * _width, dtype: tokens.dtype, device: tokens.device);
        ForEachExpert(counts, (expert, start, count) => gateUp.narrow(0, start, count).addmm_(routed.narrow(0, start, count), _gateUpOf[expert], beta: 0));
        var gated = SwiGlu(gateUp);
        var expertOutput = empty_like(routed);
        ForEachExpert(counts, (expert, start, count) => expertOutput.narrow(0, start, count).addmm_(gated.narrow(0, start, count), _downOf[expert], beta: 0));
        expertOutput.mul_(weightOfSlot);

        var output = _sharedGateUp is null ? zeros_like(tokens) : SwiGlu(tokens.matmul(_sharedGateUp)).matmul(_sharedDown!);
        return output.IndexAddInPlace(0, tokenOfSlot, expertOutput);
    }

    /// <summary>
    /// The experts' work (the shared expert's too) in two halves of about equal rows, side by side: each half on a thread of
    /// its own with half the caller's threads for its products. Each expert gathers, runs and weighs its own rows, so that
    /// only the scatter is left after the halves meet. An expert's products are small (a few hundred rows by a hidden size of
    /// hundreds), and on two cores two of them at once, each on a core, kept the cores busier than each split over both
    /// (docs/PERFORMANCE.md, "Fewer bytes an agent call; the MoE's experts side by side").
    /// </summary>
    private Tensor SideBySide(Tensor tokens, Tensor tokenOfSlot, Tensor weightOfSlot, long[] counts, int threads)
    {
        var starts = new long[counts.Length];
        for (var expert = 1; expert < counts.Length; expert++)
        {
            starts[expert] = starts[expert - 1] + counts[expert - 1];
        }

        var expertOutput = empty(tokenOfSlot.shape[0], tokens.shape[1], dtype: tokens.dtype, device: tokens.device);
        // Written in place by whichever half runs the shared expert; made here, so that the caller's scope owns it.
        var output = _sharedGateUp is null ? zeros_like(tokens) : empty_like(tokens);
        var work = Enumerable.Range(0, counts.Length).Where(expert => counts[expert] > 0)
            .Select(expert => new ExpertWork(counts[expert], () =>
            {
                var (start, count) = (starts[expert], counts[expert]);
                var gated = SwiGlu(tokens.index_select(0, tokenOfSlot.narrow(0, start, count)).matmul(_gateUpOf[expert]));
                expertOutput.narrow(0, start, count).addmm_(gated, _downOf[expert], beta: 0).mul_(weightOfSlot.narrow(0, start, count));
            }))
            .ToList();
        if (_sharedGateUp is not null)
        {
            work.Add(new ExpertWork(tokens.shape[0], () => output.addmm_(SwiGlu(tokens.matmul(_sharedGateUp)), _sharedDown!, beta: 0)));
        }

        var (first, second) = Halves(work);
        if (second.Count == 0)
        {
            // One busy piece: nothing to run beside it, and no thread to start for it.
            RunAll(first);
            return output.IndexAddInPlace(0, tokenOfSlot, expertOutput);
        }

        IntraOpThreads.SideBySide(threads, () => RunAll(first), () => RunAll(second));
        return output.IndexAddInPlace(0, tokenOfSlot, expertOutput);
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

    /// <summary>One expert's products on its rows, with how many rows that is.</summary>
    private sealed record ExpertWork(long Rows, Action Run);

    private static (List<ExpertWork> First, List<ExpertWork> Second) Halves(IEnumerable<ExpertWork> work)
    {
        var (first, second) = (new List<ExpertWork>(), new List<ExpertWork>());
        long firstRows = 0, secondRows = 0;
        foreach (var piece in work.OrderByDescending(piece => piece.Rows))
        {
            if (firstRows <= secondRows)
            {
                first.Add(piece);
                firstRows += piece.Rows;
            }
            else
            {
                second.Add(piece);
                secondRows += piece.Rows;
            }
        }

        return (first, second);
    }

    private static void RunAll(IEnumerable<ExpertWork> work)
    {
        foreach (var piece in work)
        {
            using var scope = NewDisposeScope();
            piece.Run();
        }
    }

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

    /// <summary>
    /// Whether a layer's expert work of <paramref name="rows"/> rows runs in two halves side by side: when asked, with enough
    /// rows, and when the caller's thread may use more than one thread (<see cref="IntraOpThreads.OfThisThread"/>; a caller held
    /// to one, a few texts' read, keeps to one core).
    /// </summary>
    internal static bool RunsSideBySide(bool asked, long rows, int? callersThreads) => asked && rows >= SideBySideFrom && callersThreads > 1;

    /// <summary>Rows below which the work stays on the calling thread: a few texts' worth is not worth a second thread.</summary>
    internal const long SideBySideFrom = 512;
}
