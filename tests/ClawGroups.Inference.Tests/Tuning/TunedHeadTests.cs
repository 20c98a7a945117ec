using ClawGroups.Inference.Moe;
using ClawGroups.Inference.SafeTensors;
using ClawGroups.Inference.Tests.Moe;
using ClawGroups.Inference.Tests.Skills;
using ClawGroups.Inference.Tuning;

namespace ClawGroups.Inference.Tests.Tuning;

public sealed class TunedHeadTests : IClassFixture<MoeSkillModelTests.ShippedModel>
{
    private readonly MoeSkillModel _model;

    public TunedHeadTests(MoeSkillModelTests.ShippedModel shipped)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        _model = shipped.Model;
    }

    [Fact]
    public void A_head_round_trips_through_safetensors_under_the_checkpoint_names()
    {
        var head = TunedHead.Of(_model.Network);

        var bytes = head.ToSafeTensors();
        var read = TunedHead.FromSafeTensors(bytes);

        Assert.Equal([TunedHead.DurationBiasName, TunedHead.DurationWeightName, TunedHead.BiasName, TunedHead.WeightName], SafeTensorsBuffer.Parse(bytes).Header.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal((head.EmbeddingDim, head.HiddenSize), (read.EmbeddingDim, read.HiddenSize));
        Assert.Equal(head.ToSafeTensors(), read.ToSafeTensors());
    }

    [Fact]
    public void The_networks_own_head_scores_exactly_as_the_base_model_does()
    {
        using var view = _model.WithHead(TunedHead.Of(_model.Network));
        var item = SampleProfiles.Item("match vendor payments to invoices");

        var tuned = view.Score([item], SampleProfiles.All, CancellationToken.None);
        var base_ = _model.Score([item], SampleProfiles.All, CancellationToken.None);
        Assert.Equal(_model.ExpectedDurationSeconds([item], CancellationToken.None)[0]!.Value, view.ExpectedDurationSeconds([item], CancellationToken.None)[0]!.Value, 1e-3);

        Assert.Equal("moe(tuned)", view.Name);
        for (var p = 0; p < SampleProfiles.All.Count; p++)
        {
            Assert.Equal(base_.Score(0, p), tuned.Score(0, p), 1e-5f);
        }
    }

    [Fact]
    public void Disposing_a_view_leaves_the_base_model_working()
    {
        _model.WithHead(TunedHead.Of(_model.Network)).Dispose();

        var scores = _model.Score([SampleProfiles.Item("match vendor payments to invoices")], SampleProfiles.All, CancellationToken.None);

        Assert.InRange(scores.Score(0, 1), 0, 1);
    }

    [Fact]
    public void A_truncated_head_is_refused_with_a_format_error()
    {
        var bytes = TunedHead.Of(_model.Network).ToSafeTensors();

        var refused = Assert.Throws<SafeTensorsFormatException>(() => TunedHead.FromSafeTensors(bytes[..(bytes.Length - 100)]));

        Assert.Contains("past the end", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_of_another_shape_does_not_fit_the_network()
    {
        var other = new TunedHead(new LinearWeights(4, 8, new float[32], new float[4]), new LinearWeights(1, 8, new float[8], new float[1]));

        var refused = Assert.Throws<InvalidOperationException>(() => _model.WithHead(other));

        Assert.Contains("does not fit a network", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_tuned_on_other_base_weights_of_the_same_shape_does_not_fit()
    {
        var own = TunedHead.Of(_model.Network);
        var bytes = own.ToSafeTensors();
        var stranger = new TunedHead(own.Embedding, own.Duration, "0123");

        var refused = Assert.Throws<InvalidOperationException>(() => _model.WithHead(stranger));

        Assert.Contains("retrained", refused.Message, StringComparison.Ordinal);
        Assert.Equal(own.BaseFingerprint, TunedHead.FromSafeTensors(bytes).BaseFingerprint);
        Assert.Equal(64, own.BaseFingerprint.Length);
    }

    [Fact]
    public void Weights_and_biases_must_match_the_shape()
    {
        Assert.Throws<ArgumentException>(() => new LinearWeights(4, 8, new float[31], new float[4]));
        Assert.Throws<ArgumentException>(() => new TunedHead(new LinearWeights(4, 8, new float[32], new float[4]), new LinearWeights(1, 4, new float[4], new float[1])));
    }
}
