using ClawGroups.Inference.Training;

namespace ClawGroups.Inference.Tests.Training;

public sealed class LengthBucketsTests
{
    [Fact]
    public void One_pass_hands_out_every_sequence_exactly_once()
    {
        var random = new Random(1);
        var sequences = Enumerable.Range(0, 1000).Select(i => new int[1 + random.Next(60)]).ToArray();
        var buckets = new LengthBuckets(sequences, 32, new Random(2));

        var seen = Enumerable.Range(0, (1000 + 31) / 32).SelectMany(_ => buckets.Next()).ToList();

        Assert.Equal(Enumerable.Range(0, 1000), seen.Order());
    }

    [Fact]
    public void Batches_hold_sequences_of_about_the_same_length()
    {
        var random = new Random(1);
        var sequences = Enumerable.Range(0, 3200).Select(i => new int[1 + random.Next(60)]).ToArray();
        var buckets = new LengthBuckets(sequences, 32, new Random(2));

        var spread = Enumerable.Range(0, 100).Select(_ => buckets.Next()).Average(batch => batch.Max(i => sequences[i].Length) - batch.Min(i => sequences[i].Length));

        // Random batches of 32 lengths drawn from 1–60 would spread over ~55.
        Assert.True(spread < 10, $"mean spread {spread}");
    }
}
