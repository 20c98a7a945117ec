using ClawGroups.Inference.Model;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Model;

public sealed class RotaryEmbeddingTests
{
    [Fact]
    public void Interleaved_rotation_turns_each_adjacent_pair_by_its_frequency_as_deepseek_does()
    {
        using var scope = NewDisposeScope();
        var rotary = new RotaryEmbedding(4, 10000);
        var x = tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 1, 4);
        const int Position = 5;

        var rotated = RotaryEmbedding.Apply(x, rotary.Compute(tensor(new long[] { Position }).view(1, 1), float32), interleave: true);

        // Pairs (1, 2) and (3, 4) as complex numbers times e^(i·pos·θ_j), θ_j = 10000^(-2j/4); HF lays out real parts then imaginary parts.
        double[] angles = [Position * 1.0, Position * Math.Pow(10000, -0.5)];
        float[] expected =
        [
            (float)((1 * Math.Cos(angles[0])) - (2 * Math.Sin(angles[0]))),
            (float)((3 * Math.Cos(angles[1])) - (4 * Math.Sin(angles[1]))),
            (float)((1 * Math.Sin(angles[0])) + (2 * Math.Cos(angles[0]))),
            (float)((3 * Math.Sin(angles[1])) + (4 * Math.Cos(angles[1]))),
        ];
        Assert.All(expected.Zip(rotated.data<float>().ToArray()), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Query_key_products_depend_only_on_the_distance_between_positions(bool interleave)
    {
        using var scope = NewDisposeScope();
        var rotary = new RotaryEmbedding(8, 10000);
        var query = randn(1, 1, 1, 8);
        var key = randn(1, 1, 1, 8);

        var near = Product(rotary, query, key, 2, 7, interleave);
        var shifted = Product(rotary, query, key, 12, 17, interleave);

        Assert.Equal(near, shifted, 1e-4f);
    }

    private static float Product(RotaryEmbedding rotary, Tensor query, Tensor key, long queryPosition, long keyPosition, bool interleave)
    {
        var q = RotaryEmbedding.Apply(query, rotary.Compute(tensor(new[] { queryPosition }).view(1, 1), float32), interleave);
        var k = RotaryEmbedding.Apply(key, rotary.Compute(tensor(new[] { keyPosition }).view(1, 1), float32), interleave);
        return (q * k).sum().item<float>();
    }
}
