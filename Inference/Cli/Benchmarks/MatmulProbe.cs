using ClawGroups.Inference.Moe;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Benchmarks;

/// <summary>
/// The matrix products one encoder pass runs over the given padded batches, with the same shapes (each expert's rows as
/// its router sent them on these batches, the attention scores per batch) on random operands made beforehand, and nothing
/// else: no norms, no gathers, no routing. Its FLOP rate is what this machine's libtorch reaches on exactly these shapes.
/// </summary>
public sealed class MatmulProbe : IDisposable
{
    private readonly List<(Tensor Left, Tensor Right)> _products;

    private MatmulProbe(List<(Tensor Left, Tensor Right)> products)
    {
        _products = products;
        Flops = products.Sum(p => 2.0 * p.Left.numel() * p.Right.shape[^1]);
    }

    public double Flops { get; }

    public static MatmulProbe Of(SkillNetwork network, IReadOnlyList<(Tensor Ids, Tensor Mask)> batches)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batches);
        var c = network.Config;
        var (h, heads, qk, v, width) = (c.HiddenSize, (long)c.NumAttentionHeads, (long)c.QkHeadDim, (long)c.VHeadDim, (long)c.MoeIntermediateSize);
        var products = new List<(Tensor, Tensor)>();
        void Product(long rows, long inner, long columns, long batch = 0)
        {
            if (rows > 0)
            {
                products.Add(batch > 0 ? (randn(batch, rows, inner), randn(batch, inner, columns)) : (randn(rows, inner), randn(inner, columns)));
            }
        }

        using var noGrad = no_grad();
        foreach (var (ids, mask) in batches)
        {
            network.Encode(ids, mask).Dispose();
            var (rows, longest) = (ids.shape[0], ids.shape[1]);
            // Projections and experts run on real tokens only (PackedTokens); attention's scores on the padded layout.
            var tokens = (long)mask.sum().item<float>();
            var load = network.Routers.Select(router => router.LastExpertLoad()).ToList();
            for (var layer = 0; layer < c.NumHiddenLayers; layer++)
            {
                if (c.QLoraRank is { } rank)
                {
                    Product(tokens, h, rank);
                    Product(tokens, rank, heads * qk);
                }
                else
                {
                    Product(tokens, h, heads * qk);
                }

                Product(tokens, h, c.KvLoraRank + c.QkRopeHeadDim);
                Product(tokens, c.KvLoraRank, heads * (c.QkNopeHeadDim + v));
                Product(longest, qk, longest, rows * heads);
                Product(longest, longest, v, rows * heads);
                Product(tokens, heads * v, h);
                if (layer < c.FirstKDenseReplace)
                {
                    Product(tokens, h, c.IntermediateSize);
                    Product(tokens, h, c.IntermediateSize);
                    Product(tokens, c.IntermediateSize, h);
                    continue;
                }

                Product(tokens, h, c.NRoutedExperts);
                foreach (var count in load[layer - c.FirstKDenseReplace])
                {
                    Product(count, h, 2 * width);
                    Product(count, width, h);
                }

                Product(tokens, h, 2 * width * c.NSharedExperts);
                Product(tokens, width * c.NSharedExperts, h);
            }
        }

        return new MatmulProbe(products);
    }

    /// <summary>Products of one large shape, about <paramref name="flops"/> in all: the machine's rate where shape is no limit.</summary>
    public static MatmulProbe Large(double flops)
    {
        var count = (int)Math.Max(1, Math.Round(flops / (2.0 * 3072 * 512 * 512)));
        var left = randn(3072, 512);
        var right = randn(512, 512);
        return new MatmulProbe(Enumerable.Range(0, count).Select(i => i == 0 ? (left, right) : (left.alias(), right.alias())).ToList());
    }

    public void Run()
    {
        foreach (var (left, right) in _products)
        {
            left.matmul(right).Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var (left, right) in _products)
        {
            left.Dispose();
            right.Dispose();
        }
    }
}
