using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference;

/// <summary>
/// Tensor arithmetic that keeps alive every Scalar it hands libtorch until the native call returns.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's operators turn numbers (and the <c>alpha</c> of tensor + tensor) into Scalars that nothing
/// references during the native call, so a garbage collection there may free a value libtorch is reading: under a thread
/// that collects in a loop, 20 of 400,000 <c>x + 1e-6</c> / <c>y * 0.5</c> calls failed with "Expected false to be true"
/// from <c>c10::Scalar::toDouble</c>; a freed value can also be reused and read silently. The build analyzer CLAW0101
/// (build/ScalarLifetimeAnalyzer) rejects the operators; these helpers replace them. Between two tensors
/// −, × and ÷ pass no Scalar and stay operators.
/// </remarks>
public static class Arithmetic
{
    /// <summary>The alpha of every sum and difference: a static field is a root, so this Scalar is never finalized.</summary>
    private static readonly Scalar One = 1.ToScalar();

    public static Tensor Plus(this Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.add(right, One);
    }

    /// <summary>In place, for tensors autograd does not track (running sums, biases under no_grad).</summary>
    public static Tensor PlusInPlace(this Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.add_(right, One);
    }

    public static Tensor Plus(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.add(value, One);
    }

    public static Tensor Minus(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.sub(value);
    }

    /// <summary><paramref name="left"/> − <paramref name="right"/> for a number on the left, e.g. <c>1 − p</c>.</summary>
    public static Tensor Minus(double left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(right);
        using var negated = right.neg();
        return negated.Plus(left);
    }

    public static Tensor Times(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.mul(value);
    }

    public static Tensor DividedBy(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.div(value);
    }

    /// <summary>Integer division rounded down, e.g. a flat (token, slot) index back to its token.</summary>
    public static Tensor FloorDividedBy(this Tensor left, long right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.div(value, rounding_mode: RoundingMode.floor);
    }

    public static Tensor AtLeast(this Tensor tensor, double minimum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var value = minimum.ToScalar();
        return tensor.clamp_min(value);
    }

    /// <summary>The tensor with <paramref name="value"/> wherever <paramref name="mask"/> is true.</summary>
    public static Tensor FilledWhere(this Tensor tensor, Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var fill = value.ToScalar();
        return tensor.masked_fill(mask, fill);
    }

    /// <summary>Adds <paramref name="source"/>'s rows into <paramref name="tensor"/> at <paramref name="index"/> along <paramref name="dim"/>, in place.</summary>
    public static Tensor IndexAddInPlace(this Tensor tensor, long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.index_add_(dim, index, source, One);
    }

    /// <summary>0, <paramref name="step"/>, 2·step… below <paramref name="stop"/>.</summary>
    public static Tensor Range(long stop, long step, ScalarType dtype, Device? device = null)
    {
        using var start = 0L.ToScalar();
        using var end = stop.ToScalar();
        using var stride = step.ToScalar();
        return arange(start, end, stride, dtype, device);
    }
}
