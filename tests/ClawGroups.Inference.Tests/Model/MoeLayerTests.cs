using ClawGroups.Inference.Hosting;
using ClawGroups.Inference.Model;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Model;

public sealed class MoeLayerTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 0)]
    public void Batched_dispatch_equals_a_per_token_reference(int expertsPerToken, int sharedExperts)
    {
        var config = TinyConfig.Create() with { NumExpertsPerTok = expertsPerToken, NSharedExperts = sharedExperts };
        using var layer = new MoeLayer(config);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (_, parameter) in layer.named_parameters())
            {
                nn.init.normal_(parameter, 0, 0.3);
            }
        }

        var input = randn(3, 5, 32);

        var batched = layer.forward(input);
        var reference = PerTokenReference(layer, input.view(-1, 32)).view(3, 5, 32);

        Assert.True(batched.allclose(reference, rtol: 1e-5, atol: 1e-5), $"max difference {(batched - reference).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 0)]
    [InlineData(8, 1)]
    public void Grouped_dispatch_without_gradients_equals_a_per_token_reference(int expertsPerToken, int sharedExperts)
    {
        var config = TinyConfig.Create() with { NumExpertsPerTok = expertsPerToken, NSharedExperts = sharedExperts, TopkGroup = 4 };
        using var layer = RandomLayer(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        layer.eval();
        var input = randn(3, 5, 32);

        var grouped = layer.forward(input);
        var reference = PerTokenReference(layer, input.view(-1, 32)).view(3, 5, 32);

        Assert.True(grouped.allclose(reference, rtol: 1e-5, atol: 1e-5), $"max difference {(grouped - reference).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 0)]
    public void Experts_side_by_side_give_what_the_per_token_reference_gives(int expertsPerToken, int sharedExperts)
    {
        var config = TinyConfig.Create() with { NumExpertsPerTok = expertsPerToken, NSharedExperts = sharedExperts, TopkGroup = 4 };
        using var layer = RandomLayer(config);
        // Looked up once libtorch is loaded (the layer's tensors): asked before, the lookup finds no OpenMP and keeps that.
        Assert.True(IntraOpThreads.IsAvailable, "libtorch's OpenMP is needed to let the caller use two threads");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        layer.eval();
        // A batch's worth of tokens: enough rows for the experts to run in two halves.
        var input = randn(8, 40, 32);
        Assert.True(GroupedExperts.RunsSideBySide(true, 8 * 40 * expertsPerToken, callersThreads: 2));

        Tensor sideBySide = null!;
        IntraOpThreads.Run(2, () => sideBySide = layer.forward(input));
        var reference = PerTokenReference(layer, input.view(-1, 32)).view(8, 40, 32);

        Assert.True(sideBySide.allclose(reference, rtol: 1e-5, atol: 1e-5), $"max difference {(sideBySide - reference).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(true, 512, 2, true)]
    [InlineData(true, 511, 2, false)]
    [InlineData(true, 4096, 1, false)]
    [InlineData(true, 4096, null, false)]
    [InlineData(false, 4096, 2, false)]
    public void Experts_run_side_by_side_only_when_asked_with_rows_enough_and_a_caller_allowed_two_threads(bool asked, long rows, int? callersThreads, bool sideBySide)
    {
        Assert.Equal(sideBySide, GroupedExperts.RunsSideBySide(asked, rows, callersThreads));
    }

    [Fact]
    public void Grouped_dispatch_reads_weights_changed_while_training()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create());
        using var scope = NewDisposeScope();
        var ids = randint(0, 64, [2, 7]);
        model.eval();
        using (no_grad())
        {
            model.forward(ids, null);
        }

        model.train();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.Contains(".experts.", StringComparison.Ordinal)))
            {
                parameter.copy_(randn(parameter.shape).Times(0.3));
            }
        }

        model.eval();
        using var noGrad = no_grad();
        var grouped = model.forward(ids, null);
        foreach (var moe in model.Decoder.Layers.Select(layer => layer.Moe).OfType<MoeLayer>())
        {
            moe.Dispatch = ExpertDispatch.OneByOne;
        }

        var reference = model.forward(ids, null);

        Assert.True(grouped.allclose(reference, rtol: 1e-5, atol: 1e-5), $"max difference {(grouped - reference).abs().max().item<float>()}");
    }

    [Fact]
    public void Forwards_without_gradients_in_training_mode_follow_the_weights_as_they_change()
    {
        var config = TinyConfig.Create() with { TopkGroup = 4 };
        using var layer = RandomLayer(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        layer.train();
        var input = randn(2, 4, 32);
        layer.forward(input);

        foreach (var (name, parameter) in layer.named_parameters().Where(p => p.name.StartsWith("experts.", StringComparison.Ordinal)))
        {
            parameter.copy_(randn(parameter.shape).Times(0.3));
        }

        var output = layer.forward(input);
        var reference = PerTokenReference(layer, input.view(-1, 32)).view(2, 4, 32);

        Assert.True(output.allclose(reference, rtol: 1e-5, atol: 1e-5), $"max difference {(output - reference).abs().max().item<float>()}");
    }

    private static MoeLayer RandomLayer(DeepseekV3Config config)
    {
        var layer = new MoeLayer(config);
        using var noGrad = no_grad();
        foreach (var (_, parameter) in layer.named_parameters())
        {
            nn.init.normal_(parameter, 0, 0.3);
        }

        return layer;
    }

    /// <summary>The obvious, slow definition: each token through each of its experts, one at a time.</summary>
    private static Tensor PerTokenReference(MoeLayer layer, Tensor tokens)
    {
        var routing = layer.Gate.forward(tokens);
        var indices = routing.ExpertIndices.data<long>().ToArray();
        var weights = routing.ExpertWeights.data<float>().ToArray();
        var k = (int)routing.ExpertIndices.shape[1];
        var rows = new List<Tensor>();
        for (var token = 0; token < tokens.shape[0]; token++)
        {
            var x = tokens[token].unsqueeze(0);
            var sum = layer.SharedExperts?.forward(x) ?? zeros_like(x);
            for (var slot = 0; slot < k; slot++)
            {
                sum = sum.Plus(layer.Experts[(int)indices[token * k + slot]].forward(x).Times(weights[token * k + slot]));
            }

            rows.Add(sum);
        }

        return cat(rows, 0);
    }
}
