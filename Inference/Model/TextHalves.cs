namespace ClawGroups.Inference.Model;

/// <summary>
/// A batch's texts in two halves of about equal real tokens, which inference runs side by side, each on a core
/// (<see cref="DecoderStack"/>): a forward pass over a batch is hundreds of small operations, and two streams of them, each
/// on a thread of its own, kept two cores busier than every operation split over both (docs/PERFORMANCE.md, "A batch's
/// texts in two halves side by side"). The shortest texts go to the first half, so each half pads only to its own longest.
/// </summary>
public static class TextHalves
{
    /// <summary>Real tokens below which a batch runs whole: a few texts' read is not worth a second thread.</summary>
    public const long MinimumTokens = 512;

    /// <summary>
    /// The rows of the two halves, each ordered by length: the shortest texts in the first, up to where it holds at least
    /// half of the real tokens (never all of the rows). Null when there is nothing to split: fewer than two texts, or fewer
    /// than <see cref="MinimumTokens"/> real tokens in all.
    /// </summary>
    public static (long[] First, long[] Second)? Split(IReadOnlyList<long> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var total = lengths.Sum();
        if (lengths.Count < 2 || total < MinimumTokens)
        {
            return null;
        }

        var order = Enumerable.Range(0, lengths.Count).Select(row => (long)row).OrderBy(row => lengths[(int)row]).ToArray();
        var (count, tokens) = (0, 0L);
        while (count < order.Length - 1 && 2 * tokens < total)
        {
            tokens += lengths[(int)order[count]];
            count++;
        }

        return (order[..count], order[count..]);
    }
}
