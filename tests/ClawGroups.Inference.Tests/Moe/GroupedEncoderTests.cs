using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Model;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Moe;

/// <summary>The served encoder path (real tokens packed, grouped experts) against the one it replaced, on the shipped weights.</summary>
public sealed class GroupedEncoderTests : IClassFixture<MoeSkillModelTests.ShippedModel>
{
    private readonly MoeSkillModel _model;

    public GroupedEncoderTests(MoeSkillModelTests.ShippedModel shipped)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        _model = shipped.Model;
    }

    [Fact]
    public void Served_readings_equal_one_padded_batch_with_experts_one_by_one()
    {
        var items = SkillCorpus.Load(SkillCorpus.DefaultFolder()).HeldOut.Take(128).Select(item => item.ToWorkItem()).ToList();
        var tokenizer = WordPieceTokenizer.Load(Path.Combine(SkillModelFiles.DefaultFolder(), WordPieceTokenizer.FileName));
        var sequences = items.Select(item => tokenizer.Encode(SkillText.Of(item), _model.Network.HeadsConfig.MaxTokens)).ToList();

        var served = _model.Read(items, CancellationToken.None).Select(reading => reading.Vector).ToArray();
        var reference = OneByOneInOneBatch(sequences, tokenizer.PadId);

        var worst = served.Select((vector, row) => vector.Zip(reference[row], (a, b) => Math.Abs(a - b)).Max()).Max();
        var scale = reference.SelectMany(vector => vector).Max(Math.Abs);
        Assert.True(worst <= 1e-4 * scale, $"largest difference {worst} against values up to {scale}");
    }

    [Fact]
    public void Length_buckets_hold_every_text_once_and_pad_little()
    {
        var lengths = new[] { 3, 40, 12, 12, 7, 64, 5, 33, 21, 18, 9, 2, 50, 27, 14, 11 };
        var sequences = Enumerable.Range(0, 80).Select(i => new int[lengths[i % lengths.Length] + (i % 3)]).ToList();

        var buckets = TokenBatch.Buckets(sequences, maxPadding: 0.1, minRows: 8);

        Assert.Equal(Enumerable.Range(0, sequences.Count), buckets.SelectMany(bucket => bucket).Order());
        var padded = buckets.Sum(bucket => (long)bucket.Length * bucket.Max(i => sequences[i].Length));
        var real = sequences.Sum(sequence => sequence.Length);
        Assert.True(padded < 1.3 * real, $"{padded} padded tokens for {real}; one batch would be {sequences.Count * sequences.Max(s => s.Length)}");
        Assert.True(buckets.Count > 1);
    }

    private float[][] OneByOneInOneBatch(IReadOnlyList<int[]> sequences, int padId)
    {
        var network = _model.Network;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TokenBatch.Pad(sequences, padId, CPU);
        network.ExpertDispatch = ExpertDispatch.OneByOne;
        network.PackTokens = false;
        try
        {
            var pooled = network.Encode(ids, mask);
            return Enumerable.Range(0, sequences.Count).Select(row => pooled[row].data<float>().ToArray()).ToArray();
        }
        finally
        {
            network.PackTokens = true;
            network.ExpertDispatch = ExpertDispatch.GroupedSideBySide;
        }
    }
}
