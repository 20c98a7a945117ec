using ClawGroups.Inference.Model;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Model;

public sealed class RouterTests
{
    private static readonly DeepseekV3Config s_config = TinyConfig.Create();

    [Fact]
    public void Each_token_gets_exactly_num_experts_per_tok_distinct_experts()
    {
        using var router = NewRouter(s_config);
        using var scope = NewDisposeScope();

        var decision = router.forward(randn(50, 32));

        Assert.Equal([50L, 2L], decision.ExpertIndices.shape);
        var rows = decision.ExpertIndices.data<long>().ToArray().Chunk(2).ToList();
        Assert.All(rows, row => Assert.Equal(2, row.Distinct().Count()));
        Assert.All(rows.SelectMany(row => row), expert => Assert.InRange(expert, 0, 7));
    }

    [Fact]
    public void Experts_come_from_at_most_topk_group_groups()
    {
        var config = s_config with { NumExpertsPerTok = 4 };
        using var router = NewRouter(config);
        using var scope = NewDisposeScope();

        var decision = router.forward(randn(50, 32));

        var groupSize = config.NRoutedExperts / config.NGroup;
        var rows = decision.ExpertIndices.data<long>().ToArray().Chunk(4);
        Assert.All(rows, row => Assert.True(row.Select(e => e / groupSize).Distinct().Count() <= config.TopkGroup));
    }

    [Fact]
    public void Normalized_weights_sum_to_the_routed_scaling_factor()
    {
        using var router = NewRouter(s_config);
        using var scope = NewDisposeScope();

        var decision = router.forward(randn(20, 32));

        var sums = decision.ExpertWeights.sum(-1);
        Assert.True(sums.allclose(ones_like(sums).Times(2.5), atol: 1e-5));
    }

    [Fact]
    public void Bias_changes_which_experts_are_chosen_but_not_their_weights()
    {
        var config = s_config with { NormTopkProb = false };
        using var router = NewRouter(config);
        using var scope = NewDisposeScope();
        var tokens = randn(30, 32);
        var unbiasedScores = nn.functional.linear(tokens, router.Weight).sigmoid();
        var before = router.forward(tokens);

        using (no_grad())
        {
            using var ten = tensor(10f);
            router.ScoreCorrectionBias[7] = ten;
        }

        var after = router.forward(tokens);

        Assert.All(after.ExpertIndices.data<long>().ToArray().Chunk(2), row => Assert.Contains(7L, row));
        Assert.Contains(before.ExpertIndices.data<long>().ToArray().Chunk(2), row => !row.Contains(7L));
        var expected = unbiasedScores.gather(1, after.ExpertIndices).Times(2.5);
        Assert.True(after.ExpertWeights.allclose(expected, atol: 1e-6));
    }

    [Fact]
    public void Bias_update_moves_toward_under_used_experts()
    {
        using var router = NewRouter(s_config);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            using var five = tensor(5f);
            router.ScoreCorrectionBias[3] = five;
        }

        router.forward(randn(40, 32));
        var load = router.PendingExpertLoad();
        var biasBefore = router.ScoreCorrectionBias.clone();

        router.UpdateLoadBalanceBias(0.01);

        var change = (router.ScoreCorrectionBias - biasBefore).data<float>().ToArray();
        var mean = load.Average();
        Assert.Equal(40, load[3]);
        for (var expert = 0; expert < load.Length; expert++)
        {
            var expectedSign = Math.Sign(mean - load[expert]);
            Assert.Equal(expectedSign * 0.01f, change[expert], 1e-6f);
        }

        Assert.Empty(router.PendingExpertLoad());
    }

    [Fact]
    public void Last_forward_token_counts_add_up_to_tokens_times_k()
    {
        using var router = NewRouter(s_config);
        using var scope = NewDisposeScope();

        router.forward(randn(10, 32));
        router.forward(randn(25, 32));

        Assert.Equal(50, router.LastExpertLoad().Sum());
        Assert.Equal(70, router.PendingExpertLoad().Sum());
    }

    [Fact]
    public void Forwards_from_two_threads_at_once_count_every_token()
    {
        using var router = NewRouter(s_config);
        const int passes = 2000, tokens = 2;
        // Inference runs a batch's halves through the same router at once, and every pass replaces the last counts; the
        // barrier starts each pair of passes together, so that their counts are recorded at about the same moment.
        using var together = new Barrier(2);
        void Passes()
        {
            using var noGrad = no_grad();
            for (var pass = 0; pass < passes; pass++)
            {
                using var scope = NewDisposeScope();
                Assert.True(together.SignalAndWait(TimeSpan.FromSeconds(30)), "the other thread's passes stopped");
                router.forward(randn(tokens, 32));
            }
        }

        var other = new Thread(Passes);
        other.Start();
        Passes();
        other.Join();

        Assert.Equal(2 * passes * tokens * s_config.NumExpertsPerTok, router.PendingExpertLoad().Sum());
        Assert.Equal(tokens * s_config.NumExpertsPerTok, router.LastExpertLoad().Sum());
    }

    private static Router NewRouter(DeepseekV3Config config)
    {
        var router = new Router(config);
        using (no_grad())
        {
            nn.init.normal_(router.Weight, 0, 0.5);
        }

        return router;
    }
}
