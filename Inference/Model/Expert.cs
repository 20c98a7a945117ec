using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>
/// A SwiGLU feed-forward block, <c>down(silu(gate(x)) * up(x))</c>: each routed expert, the shared experts,
/// and the dense MLP of the first layers (DeepseekV3MLP) are all this block at different widths.
/// </summary>
public sealed class Expert : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear _gateProj;

    [ComponentName(Name = "up_proj")]
    private readonly Linear _upProj;

    [ComponentName(Name = "down_proj")]
    private readonly Linear _downProj;

    public Expert(long hiddenSize, long intermediateSize, string name = nameof(Expert))
        : base(name)
    {
        _gateProj = nn.Linear(hiddenSize, intermediateSize, hasBias: false);
        _upProj = nn.Linear(hiddenSize, intermediateSize, hasBias: false);
        _downProj = nn.Linear(intermediateSize, hiddenSize, hasBias: false);
        RegisterComponents();
    }

    public Linear GateProj => _gateProj;

    public Linear UpProj => _upProj;

    public Linear DownProj => _downProj;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(_gateProj.forward(input)) * _upProj.forward(input);
        return _downProj.forward(gated).MoveToOuterDisposeScope();
    }
}
