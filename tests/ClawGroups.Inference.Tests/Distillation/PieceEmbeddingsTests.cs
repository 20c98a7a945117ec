using ClawGroups.Inference.Distillation;

namespace ClawGroups.Inference.Tests.Distillation;

public sealed class PieceEmbeddingsTests
{
    [Fact]
    public void Pieces_are_centred_and_projected_on_their_principal_components_in_order()
    {
        var random = new Random(3);

        // Three directions of decreasing spread in six dimensions.
        var vectors = Enumerable.Range(0, 400).Select(_ =>
        {
            var (a, b, c) = (Gaussian(random) * 5, Gaussian(random) * 2, Gaussian(random) * 0.5);
            return new[] { (float)(a + 7), (float)a, (float)b, (float)(b + 1), (float)c, 3f };
        }).ToArray();

        using var reduced = PieceEmbeddings.Reduce(vectors, 3);

        Assert.Equal([400L, 3L], reduced.shape);
        var variances = Enumerable.Range(0, 3).Select(d => reduced[.., d].var().item<float>()).ToArray();
        Assert.True(variances[0] > variances[1] && variances[1] > variances[2], string.Join(", ", variances));
        Assert.All(Enumerable.Range(0, 3), d => Assert.Equal(0, reduced[.., d].mean().item<float>(), 3));
    }

    [Fact]
    public void Distances_between_pieces_survive_when_nothing_is_dropped()
    {
        float[][] vectors = [[1, 0, 2], [0, 1, 0], [3, 3, 1], [2, 0, 0]];

        using var reduced = PieceEmbeddings.Reduce(vectors, 3);

        var original = Distance(vectors[0], vectors[2]);
        var kept = (reduced[0] - reduced[2]).norm().item<float>();
        Assert.Equal(original, kept, 4);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float Distance(float[] a, float[] b) => MathF.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
