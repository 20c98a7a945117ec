namespace ClawGroups.Inference.Tokenization;

/// <summary>
/// Builds a WordPiece vocabulary from texts: the special tokens, every character seen (as a first piece and as a
/// "##" piece, so every word of those characters can be spelled), then whole words and word pieces by frequency.
/// A simple frequency scheme rather than WordPiece's likelihood merges: at a few thousand pieces over a small
/// corpus it gives the same kind of vocabulary, and it is deterministic and fast.
/// </summary>
public static class WordPieceTrainer
{
    public static WordPieceTokenizer Train(IEnumerable<string> texts, int vocabularySize, int minWordCount = 2)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in texts.SelectMany(WordPieceTokenizer.Words))
        {
            wordCounts[word] = wordCounts.GetValueOrDefault(word) + 1;
        }

        var vocabulary = new List<string> { WordPieceTokenizer.Pad, WordPieceTokenizer.Cls, WordPieceTokenizer.Unknown, WordPieceTokenizer.Separator };
        var characters = wordCounts.Keys.SelectMany(word => word).Distinct().Order().Select(c => c.ToString()).ToList();
        vocabulary.AddRange(characters);
        vocabulary.AddRange(characters.Select(c => WordPieceTokenizer.Continuation + c));

        // Whole words first, then the pieces that spell the rest: prefixes of 2–6 and "##" pieces of 2–4 letters.
        var pieceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, count) in wordCounts)
        {
            if (count >= minWordCount)
            {
                pieceCounts[word] = (count * 4) + pieceCounts.GetValueOrDefault(word);
            }

            for (var length = 2; length <= Math.Min(6, word.Length - 1); length++)
            {
                pieceCounts[word[..length]] = pieceCounts.GetValueOrDefault(word[..length]) + count;
            }

            for (var start = 1; start < word.Length; start++)
            {
                for (var length = 2; length <= 4 && start + length <= word.Length; length++)
                {
                    var piece = WordPieceTokenizer.Continuation + word.Substring(start, length);
                    pieceCounts[piece] = pieceCounts.GetValueOrDefault(piece) + count;
                }
            }
        }

        var known = vocabulary.ToHashSet(StringComparer.Ordinal);
        vocabulary.AddRange(pieceCounts
            .Where(entry => !known.Contains(entry.Key))
            .OrderByDescending(entry => entry.Value)
            .ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, vocabularySize - vocabulary.Count))
            .Select(entry => entry.Key));
        return new WordPieceTokenizer(vocabulary);
    }
}
