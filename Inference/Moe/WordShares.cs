using ClawGroups.Inference.Lexical;

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
}
