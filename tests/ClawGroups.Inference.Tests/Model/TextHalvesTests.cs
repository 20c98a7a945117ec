using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Tests.Model;

public sealed class TextHalvesTests
{
    [Fact]
    public void A_batch_splits_shortest_first_where_the_first_half_holds_half_the_tokens()
    {
        long[] lengths = [40, 5, 30, 10, 300, 20, 120, 250];

        var (first, second) = TextHalves.Split(lengths)!.Value;

        Assert.Equal(Enumerable.Range(0, lengths.Length).Select(row => (long)row), first.Concat(second).Order());
        Assert.Equal(first.OrderBy(row => lengths[row]), first);
        Assert.True(first.Max(row => lengths[row]) <= second.Min(row => lengths[row]));
        var (firstTokens, total) = (first.Sum(row => lengths[row]), lengths.Sum());
        Assert.True(2 * firstTokens >= total, $"the first half holds {firstTokens} of {total} tokens");
        // Not one text more than half needs: without its longest text the first half would hold less than half.
        Assert.True(2 * (firstTokens - first.Max(row => lengths[row])) < total);
    }

    [Fact]
    public void The_second_half_is_never_empty_even_when_one_text_holds_most_tokens()
    {
        var (first, second) = TextHalves.Split([10, 10, 1000])!.Value;

        Assert.Equal([0L, 1L], first.Order());
        Assert.Equal([2L], second);
    }

    [Theory]
    [InlineData(new long[] { 600 })]
    [InlineData(new long[] { 200, 200, 111 })]
    [InlineData(new long[0])]
    public void A_single_text_or_fewer_tokens_than_the_threshold_is_not_split(long[] lengths)
    {
        Assert.Null(TextHalves.Split(lengths));
    }

    [Fact]
    public void The_threshold_itself_splits()
    {
        Assert.NotNull(TextHalves.Split([TextHalves.MinimumTokens / 2, TextHalves.MinimumTokens / 2]));
    }
}
