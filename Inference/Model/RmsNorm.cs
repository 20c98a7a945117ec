using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>Root-mean-square layer norm with a learned scale (<c>weight</c>), as DeepseekV3RMSNorm.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;

    [ComponentName(Name = "weight")]
    private Parameter _weight;

    public RmsNorm(long size, double eps, string name = nameof(RmsNorm))
        : base(name)
    {
        _eps = eps;
        _weight = new Parameter(ones(size));
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();

        // Statistics in float32 even for half-precision inputs: the sum of squares overflows F16.
        var x = input.to(float32);
        var variance = (x * x).mean([-1], keepdim: true);
        x = x * rsqrt(variance.Plus(_eps));
        return (_weight * x.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
