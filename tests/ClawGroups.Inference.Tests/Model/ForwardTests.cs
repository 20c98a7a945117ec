using ClawGroups.Inference.Model;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Model;

public sealed class ForwardTests
{
    [Fact]
    public void Forward_returns_finite_hidden_states_of_batch_by_seq_by_hidden()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create());
        model.eval();
        using var scope = NewDisposeScope();
        var ids = randint(0, 64, [3, 7], dtype: int64);

        var hidden = model.forward(ids, null);

        Assert.Equal([3L, 7L, 32L], hidden.shape);
        Assert.True(hidden.isfinite().all().item<bool>());
    }

    [Fact]
    public void Logits_cover_the_vocabulary()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create(), withLmHead: true);
        using var scope = NewDisposeScope();

        var logits = model.Logits(model.forward(randint(0, 64, [2, 5], dtype: int64), null));

        Assert.Equal([2L, 5L, 64L], logits.shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Padding_on_either_side_leaves_the_real_tokens_outputs_unchanged(bool padOnTheLeft)
    {
        using var model = new DeepseekV3Model(TinyConfig.Create());
        model.eval();
        using var scope = NewDisposeScope();
        var ids = randint(1, 64, [1, 5], dtype: int64);
        var pad = zeros(1, 3, dtype: int64);
        var padded = padOnTheLeft ? cat([pad, ids], 1) : cat([ids, pad], 1);
        var mask = padOnTheLeft ? cat([zeros(1, 3), ones(1, 5)], 1) : cat([ones(1, 5), zeros(1, 3)], 1);

        var alone = model.forward(ids, null);
        var withPadding = model.forward(padded, mask);

        var realTokens = withPadding.narrow(1, padOnTheLeft ? 3 : 0, 5);
        Assert.True(alone.allclose(realTokens, rtol: 1e-4, atol: 1e-5));
        Assert.True(withPadding.isfinite().all().item<bool>());
    }

    [Fact]
    public void Inference_on_packed_real_tokens_equals_the_padded_forward_at_real_tokens()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create() with { TopkGroup = 4 });
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = randint(1, 64, [3, 9], dtype: int64);
        var mask = tensor(new float[,] { { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 0, 0, 0, 0, 0 }, { 0, 0, 1, 1, 1, 1, 1, 0, 0 } });

        var packed = model.forward(ids, mask);
        model.Decoder.PackTokens = false;
        var padded = model.forward(ids, mask);

        var real = mask.to(@bool).unsqueeze(-1);
        Assert.True(packed.masked_select(real).allclose(padded.masked_select(real), rtol: 1e-4, atol: 1e-5), $"max difference {(packed - padded).abs().masked_select(real).max().item<float>()}");
        Assert.Equal(0f, packed.masked_select(real.logical_not()).abs().sum().item<float>());
    }

    [Fact]
    public void A_large_batch_in_two_halves_side_by_side_equals_the_whole_batch_at_once()
    {
        TorchRuntime.Describe();
        Assert.True(get_num_threads() > 1, "libtorch uses one thread by default on this machine: the halves would not run.");
        using var model = new DeepseekV3Model(TinyConfig.Create() with { TopkGroup = 4 });
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // 48 texts of 1 to 30 tokens, 744 real tokens, over the threshold for halves. Some short texts are padded on the left,
        // so the first half keeps the batch's whole width; the second half's texts (the longest) are padded on the right, so it
        // is cut to 30 of 32 positions.
        const int texts = 48, longest = 32;
        var lengths = Enumerable.Range(0, texts).Select(row => 1 + (row * 7 % 30)).ToArray();
        var flags = new float[texts, longest];
        for (var row = 0; row < texts; row++)
        {
            var start = row % 3 == 0 && lengths[row] <= 10 ? longest - lengths[row] : 0;
            for (var position = start; position < start + lengths[row]; position++)
            {
                flags[row, position] = 1;
            }
        }

        var mask = tensor(flags);
        var ids = randint(1, 64, [texts, longest], dtype: int64) * mask.to(int64);
        Assert.True(lengths.Sum() >= TextHalves.MinimumTokens);
        var router = model.Routers[0];
        router.ResetLoadStatistics();

        var inHalves = model.forward(ids, mask);
        var lastPass = router.LastExpertLoad().Sum();
        var bothHalves = router.PendingExpertLoad().Sum();
        model.Decoder.HalvesSideBySide = false;
        var whole = model.forward(ids, mask);

        // The halves ran, each through the router on its own, and each counted all of its tokens.
        var routed = lengths.Sum() * model.Config.NumExpertsPerTok;
        Assert.True(lastPass < routed, $"the last pass routed {lastPass} of {routed}: the batch ran whole");
        Assert.Equal(routed, bothHalves);
        var real = mask.to(@bool).unsqueeze(-1);
        Assert.True(inHalves.masked_select(real).allclose(whole.masked_select(real), rtol: 1e-4, atol: 1e-5), $"max difference {(inHalves - whole).abs().masked_select(real).max().item<float>()}");
        Assert.Equal(0f, inHalves.masked_select(real.logical_not()).abs().sum().item<float>());
        Assert.Equal(whole.shape, inHalves.shape);
    }

    [Fact]
    public void Earlier_tokens_do_not_see_later_ones()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create());
        model.eval();
        using var scope = NewDisposeScope();
        var ids = randint(0, 64, [1, 6], dtype: int64);
        var changedEnd = ids.clone();
        using var next = tensor((ids[0, 5].item<long>() + 1) % 64);
        changedEnd[0, 5] = next;

        var before = model.forward(ids, null).narrow(1, 0, 5);
        var after = model.forward(changedEnd, null).narrow(1, 0, 5);

        Assert.True(before.allclose(after, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Mean_pooling_ignores_padding()
    {
        using var scope = NewDisposeScope();
        var hidden = tensor(new float[] { 1, 2, 3, 4, 100, 100 }).view(1, 3, 2);
        var mask = tensor(new long[] { 1, 1, 0 }).view(1, 3);

        var pooled = DeepseekV3Model.MeanPool(hidden, mask);

        Assert.Equal(new float[] { 2, 3 }, pooled.data<float>().ToArray());
    }

    [Fact]
    public void Gradients_reach_every_trainable_parameter_that_routing_used()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create() with { NumExpertsPerTok = 8, TopkGroup = 4 });
        model.train();
        using var scope = NewDisposeScope();

        var hidden = model.forward(randint(0, 64, [2, 6], dtype: int64), null);
        (hidden * hidden).mean().backward();

        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is not null, $"{p.name} has no gradient"));
    }

    [Fact]
    public void Asking_for_cuda_where_there_is_none_fails_with_a_clear_message()
    {
        if (cuda.is_available())
        {
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(() => new DeepseekV3Model(TinyConfig.Create(), device: "cuda"));

        Assert.Contains("CUDA is not available", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tied_embeddings_give_logits_without_an_lm_head_tensor()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create() with { TieWordEmbeddings = true }, withLmHead: true);
        using var scope = NewDisposeScope();

        var logits = model.Logits(model.forward(randint(0, 64, [1, 4], dtype: int64), null));

        Assert.Equal([1L, 4L, 64L], logits.shape);
        Assert.DoesNotContain("lm_head.weight", model.state_dict().Keys);
    }
}
