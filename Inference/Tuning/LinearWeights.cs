using static TorchSharp.torch;

namespace ClawGroups.Inference.Tuning;

/// <summary>The weights of one linear layer, [outputs, inputs] and [outputs], as plain arrays with their tensors made once.</summary>
public sealed class LinearWeights
{
    private readonly Lazy<(Tensor Weight, Tensor Bias)> _tensors;

    public LinearWeights(int outputs, int inputs, float[] weight, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Length != outputs * inputs || bias.Length != outputs)
        {
            throw new ArgumentException($"A {outputs}×{inputs} layer needs {outputs * inputs} weights and {outputs} biases, not {weight.Length} and {bias.Length}.");
        }

        (Outputs, Inputs, Weight, Bias) = (outputs, inputs, weight, bias);
        // Kept for the layer's lifetime: detached from whatever dispose scope is open when a first forward builds them.
        _tensors = new(
            () => (tensor(weight, [outputs, inputs]).DetachFromDisposeScope(), tensor(bias, [outputs]).DetachFromDisposeScope()),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int Outputs { get; }

    public int Inputs { get; }

    public float[] Weight { get; }

    public float[] Bias { get; }

    public static LinearWeights Of(TorchSharp.Modules.Linear layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var weight = layer.weight!.detach().contiguous();
        return new LinearWeights((int)weight.shape[0], (int)weight.shape[1], weight.data<float>().ToArray(), layer.bias!.detach().contiguous().data<float>().ToArray());
    }

    public static LinearWeights Of(Tensor weight, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        return new LinearWeights((int)weight.shape[0], (int)weight.shape[1],
            weight.detach().contiguous().data<float>().ToArray(), bias.detach().contiguous().data<float>().ToArray());
    }

    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (weight, bias) = _tensors.Value;
        return nn.functional.linear(input, weight, bias);
    }

    /// <summary>A fresh copy as trainable leaves.</summary>
    public (Tensor Weight, Tensor Bias) TrainableCopy() =>
        (tensor(Weight, [Outputs, Inputs]).requires_grad_(true), tensor(Bias, [Outputs]).requires_grad_(true));

    /// <summary>A fresh copy without gradients, for comparing against.</summary>
    public (Tensor Weight, Tensor Bias) FixedCopy() => (tensor(Weight, [Outputs, Inputs]), tensor(Bias, [Outputs]));
}
