namespace ClawGroups.Inference.Lexical;

/// <summary>
/// Splits text into the lower-case, lightly stemmed terms the lexical baseline counts: stop words dropped,
/// plurals and common verb endings folded so that "invoices" meets "invoice" and "deploying" meets "deploy".
/// </summary>
public static class TextTerms
{
    private static readonly HashSet<string> s_stopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into", "is", "it",
        "its", "of", "on", "or", "our", "so", "that", "the", "their", "them", "then", "there", "this", "to", "up",
        "was", "we", "were", "when", "with", "you", "your", "can", "all", "any", "but", "do", "does", "not", "no",
        "some", "than", "too", "very", "will", "would", "should", "could", "please", "need", "needs", "get", "make",
    };

    public static List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '#' || text[i] == '+');
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                AddTerm(terms, text.AsSpan(start, i - start));
                start = -1;
            }
        }

        return terms;
    }

    /// <summary>A deliberately small stemmer: enough to fold inflections without the Porter stemmer's surprises.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 3)
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return word[..^3] + "y";
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "s"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3 && !word.EndsWith("ss", StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    private static void AddTerm(List<string> terms, ReadOnlySpan<char> word)
    {
        var lower = word.ToString().ToLowerInvariant();
        if (!s_stopWords.Contains(lower))
        {
            terms.Add(Stem(lower));
        }
    }
}
