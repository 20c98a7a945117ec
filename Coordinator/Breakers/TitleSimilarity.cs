using System.Globalization;
using System.Text;

namespace ClawGroups.Coordinator.Breakers;

/// <summary>
/// When two work item titles name the same work, for the creation breaker (decision 0028). A title is normalized — lower
/// case, every run of punctuation, symbols and white space one space — and split into its set of words. Two titles are
/// nearly the same when their normalized forms are equal or their word sets overlap by at least
/// <see cref="Threshold"/> (Jaccard: shared words over all words). The bar is high on purpose: a refused plan costs a
/// planner a round trip, a missed duplicate costs a person a glance, so only what reads as a copy is refused — the same
/// words in any order or case, or one word changed in a long title; "Add the export endpoint" and "Test the export
/// endpoint" are different work.
/// </summary>
public static class TitleSimilarity
{
    /// <summary>The least word-set overlap at which two titles count as the same work.</summary>
    public const double Threshold = 0.9;

    /// <summary>The title in lower case, with punctuation, symbols and runs of white space each one space, trimmed.</summary>
    public static string Normalize(string? title)
    {
        var text = new StringBuilder((title ?? "").Length);
        var pendingSpace = false;
        foreach (var c in (title ?? "").Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && text.Length > 0)
                {
                    text.Append(' ');
                }

                text.Append(char.ToLower(c, CultureInfo.InvariantCulture));
                pendingSpace = false;
            }
            else
            {
                pendingSpace = true;
            }
        }

        return text.ToString();
    }

    /// <summary>The normalized title's distinct words.</summary>
    public static HashSet<string> Words(string? title)
        => Normalize(title).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>Shared words over all words of the two titles: 1 for the same words, 0 for none shared (or no words at all).</summary>
    public static double Similarity(IReadOnlySet<string> first, IReadOnlySet<string> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count == 0 || second.Count == 0)
        {
            return 0;
        }

        var shared = first.Count(second.Contains);
        return (double)shared / (first.Count + second.Count - shared);
    }

    /// <summary>Whether the two titles name the same work by the rule above.</summary>
    public static bool NearlySame(string? first, string? second)
        => NearlySame(Normalize(first), Words(first), Normalize(second), Words(second));

    /// <summary>The same rule on titles already normalized and split, for comparing one title with many.</summary>
    public static bool NearlySame(string firstNormalized, IReadOnlySet<string> firstWords, string secondNormalized, IReadOnlySet<string> secondWords)
        => string.Equals(firstNormalized, secondNormalized, StringComparison.Ordinal) || Similarity(firstWords, secondWords) >= Threshold;
}
