using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ClawGroups.Data.Database;

/// <summary>
/// How EF Core compares and copies the lists of text the model keeps (an item's required skills, a skill's tags and
/// examples, a group's routing lists): element by element in order, ordinally, through plain method calls. EF Core's own
/// comparer for such a list nests a lambda in the code it generates, so that every snapshot of a tracked entity and every
/// look for its changes bound a new delegate at run time: 0.5 % of the swarm server's CPU samples for the required skills
/// alone (docs/PERFORMANCE.md, "Each agent's share of a pass's free slots"). Same answers, no delegates.
/// </summary>
public sealed class TextListComparer : ValueComparer<List<string>>
{
    public TextListComparer()
        : base((a, b) => Same(a, b), list => HashOf(list), list => CopyOf(list))
    {
    }

    /// <summary>Whether the lists hold the same texts in the same order.</summary>
    public static bool Same(List<string>? a, List<string>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static int HashOf(List<string>? list)
    {
        var hash = new HashCode();
        foreach (var text in list ?? [])
        {
            hash.Add(text, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>A copy, so that a list changed in place is seen as changed.</summary>
    public static List<string> CopyOf(List<string> list) => list is null ? null! : [.. list];
}
