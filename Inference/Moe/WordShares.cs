using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Moe;

/// <summary>Turns each piece's share of a match into the item's strongest words.</summary>
public static class WordShares
{
    /// <summary>
    /// The <paramref name="count"/> words with the largest positive share (a word's share is its pieces' sum), stop words left out,
    /// in the order they appear in the item.
    /// </summary>
    public static IReadOnlyList<string> Strongest(IReadOnlyList<string> words, IReadOnlyList<int> wordOfPiece, IReadOnlyList<float> shares, int count)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(wordOfPiece);
        ArgumentNullException.ThrowIfNull(shares);
        var byWord = new double[words.Count];
        for (var piece = 0; piece < Math.Min(wordOfPiece.Count, shares.Count); piece++)
        {
            if (wordOfPiece[piece] >= 0)
            {
                byWord[wordOfPiece[piece]] += shares[piece];
            }
        }

        // Per word, not per occurrence: "the app crashes when the app starts" names "app" once.
        var best = new Dictionary<string, (double Share, int First)>(StringComparer.Ordinal);
        for (var w = 0; w < words.Count; w++)
        {
            if (TextTerms.Split(words[w]).Count == 0)
            {
                continue;
            }

            best[words[w]] = best.TryGetValue(words[w], out var seen) ? (seen.Share + byWord[w], seen.First) : (byWord[w], w);
        }

        return best.Where(word => word.Value.Share > 0).OrderByDescending(word => word.Value.Share).Take(count)
            .OrderBy(word => word.Value.First).Select(word => word.Key).ToList();
    }

    /// <summary>
    /// The words a reading keeps (<see cref="ReadingWords"/>): each piece's group is its word among the text's distinct words that
    /// say something, numbered in the order they first appear within the pieces read; -1 for [CLS] and stop words. A word
    /// that comes back is the same group, as <see cref="Strongest(IReadOnlyList{string}, IReadOnlyList{int}, IReadOnlyList{float}, int)"/> sums it.
    /// </summary>
    public static (int[] GroupOfPiece, IReadOnlyList<string> Words) Group(IReadOnlyList<string> words, IReadOnlyList<int> wordOfPiece)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(wordOfPiece);
        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var distinct = new List<string>();
        var groupOfPiece = new int[wordOfPiece.Count];
        for (var piece = 0; piece < wordOfPiece.Count; piece++)
        {
            var w = wordOfPiece[piece];
            if (w < 0 || TextTerms.Split(words[w]).Count == 0)
            {
                groupOfPiece[piece] = -1;
                continue;
            }

            if (!groupOf.TryGetValue(words[w], out var group))
            {
                group = distinct.Count;
                groupOf[words[w]] = group;
                distinct.Add(words[w]);
            }

            groupOfPiece[piece] = group;
        }

        return (groupOfPiece, distinct);
    }

    /// <summary>
    /// As <see cref="Strongest(IReadOnlyList{string}, IReadOnlyList{int}, IReadOnlyList{float}, int)"/> for a reading's kept words:
    /// <paramref name="words"/> distinct and in the order they first appear, each with its whole share.
    /// </summary>
    public static IReadOnlyList<string> Strongest(IReadOnlyList<string> words, IReadOnlyList<double> shares, int count)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(shares);
        return Enumerable.Range(0, Math.Min(words.Count, shares.Count)).Where(w => shares[w] > 0).OrderByDescending(w => shares[w]).Take(count)
            .Order().Select(w => words[w]).ToList();
    }
}
