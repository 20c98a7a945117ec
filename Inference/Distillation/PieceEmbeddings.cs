using static TorchSharp.torch;

namespace ClawGroups.Inference.Distillation;

/// <summary>
/// The student's first token embeddings from the teacher's reading of each vocabulary piece (Model2Vec's recipe): the pieces'
/// vectors centred and projected onto their principal components, as many as the student is wide. Every piece, including those
/// training never meets, starts where the teacher puts it, so a word seen only at run time ("pods", "accrue") still means something.
/// </summary>
public static class PieceEmbeddings
{
    /// <summary>[pieces, width]: the pieces' vectors on their first <paramref name="width"/> principal components.</summary>
    public static Tensor Reduce(float[][] vectors, int width)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfLessThan(vectors.Length, 2);
        var source = vectors[0].Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, source);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = new float[vectors.Length * source];
        for (var row = 0; row < vectors.Length; row++)
        {
            vectors[row].CopyTo(flat, row * source);
        }

        var matrix = tensor(flat, [vectors.Length, source], float64);
        var centred = matrix - matrix.mean([0], keepdim: true);
        var covariance = centred.t().matmul(centred).DividedBy(vectors.Length - 1);

        // eigh sorts eigenvalues in ascending order: the principal components are the last columns.
        var (_, eigenvectors) = linalg.eigh(covariance);
        var components = eigenvectors.narrow(1, source - width, width).flip(1);
        return centred.matmul(components).to(float32).contiguous().MoveToOuterDisposeScope();
    }
}
