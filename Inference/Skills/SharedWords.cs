using System.Text.RegularExpressions;
using ClawGroups.Inference.Lexical;

namespace ClawGroups.Inference.Skills;

/// <summary>The plainest explanation of a match: the item's words that the skill's own text also uses (after stemming), in the item's order.</summary>
public static partial class SharedWords
{
    public static IReadOnlyList<IReadOnlyList<string>> Explain(IReadOnlyList<SkillMatch> matches, int words)
    {
        ArgumentNullException.ThrowIfNull(matches);
        return matches.Select(match =>
        {
            if (match.Skill < 0 || match.Skill >= match.Profile.Skills.Count)
            {
                return (IReadOnlyList<string>)[];
            }

            var skill = match.Profile.Skills[match.Skill];
            var skillTerms = TextTerms.Split($"{skill.Id} {SkillText.Of(skill)}").ToHashSet(StringComparer.Ordinal);
            return Word().Matches($"{match.Item.Title} {match.Item.Description}").Select(word => word.Value)
                .Where(word => TextTerms.Split(word) is [var term] && skillTerms.Contains(term))
                .Distinct(StringComparer.OrdinalIgnoreCase).Take(words).ToList();
        }).ToList();
    }

    [GeneratedRegex("[\\p{L}\\p{N}#+]+")]
    private static partial Regex Word();
}
