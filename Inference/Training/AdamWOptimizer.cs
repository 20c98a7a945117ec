using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter, decoupled weight decay; PyTorch's update, no AMSGrad) whose every Scalar lives until the
/// native call that reads it returns.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>optim.AdamW.step</c> passes its coefficients as implicitly made Scalars the garbage collector may
/// free mid-call (see <see cref="Arithmetic"/>); the distillation test failed that way in about one run in four beside an
/// allocating test. Training and the server's tuner both step with this one instead.
/// </remarks>
public sealed class AdamWOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _averages;
    private readonly Tensor[] _squareAverages;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;
    private long _steps;

    public AdamWOptimizer(IEnumerable<Parameter> parameters, double learningRate, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Betas must be in [0, 1); got {beta1} and {beta2}.");
        }

        _parameters = parameters.ToArray();
        _averages = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _squareAverages = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        (LearningRate, _weightDecay, _beta1, _beta2, _epsilon) = (learningRate, weightDecay, beta1, beta2, epsilon);
    }

    public double LearningRate { get; set; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in _parameters)
        {
            parameter.grad?.zero_();
        }
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _steps++;
        var correction1 = 1 - Math.Pow(_beta1, _steps);
        var correction2 = 1 - Math.Pow(_beta2, _steps);
        using var one = 1.ToScalar();
        using var decay = (1 - (LearningRate * _weightDecay)).ToScalar();
        using var beta1 = _beta1.ToScalar();
        using var rest1 = (1 - _beta1).ToScalar();
        using var beta2 = _beta2.ToScalar();
        using var rest2 = (1 - _beta2).ToScalar();
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var negativeStepSize = (-LearningRate / correction1).ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
            {
                continue;
            }

            _parameters[i].mul_(decay);
            _averages[i].mul_(beta1).add_(grad, rest1);
            _squareAverages[i].mul_(beta2).addcmul_(grad, grad, rest2);
            var denominator = _squareAverages[i].sqrt().div_(rootCorrection2).add_(epsilon, one);
            _parameters[i].addcdiv_(_averages[i], denominator, negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (var state in _averages.Concat(_squareAverages))
        {
            state.Dispose();
        }
    }
}
