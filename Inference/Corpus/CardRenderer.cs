using System.Globalization;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Corpus;

/// <summary>
/// Renders an area's training profiles the way agents write their cards: a one-line description and two or three
/// skills, each with its own name (a tag, two tags, sometimes the area's name), description, tags and examples (titles
/// of the area's training items). The areas.txt profiles are one skill named after the area, so without these the
/// encoder learns the area's name and misreads a card whose skills are called "Bank reconciliation" or "HTTP APIs".
/// Only training profiles and training items are used: held-out profiles and combinations stay unseen.
/// </summary>
public static class CardRenderer
{
    private static readonly string[] s_descriptionTemplates =
    [
        "{area} agent: {t1}, {t2}, {t3}.", "{description}.", "{name} agent: {description}.", "{description}: {t1} and {t2}.",
        "Agent for {t1}, {t2} and {t3}.", "{area}.",
    ];

    private static readonly string[] s_skillDescriptionTemplates =
    [
        "{description}.", "{T1}, {t2} and {t3}.", "{T1} and {t2}.", "{T1}; {t2}.", string.Empty,
    ];

    public static IReadOnlyList<SkillProfile> Render(SkillArea area, IReadOnlyList<SkillProfile> trainProfiles, IReadOnlyList<CorpusItem> trainItems, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(area);
        ArgumentNullException.ThrowIfNull(trainProfiles);
        ArgumentNullException.ThrowIfNull(trainItems);
        ArgumentNullException.ThrowIfNull(random);
        var tags = trainProfiles.SelectMany(p => p.Skills.SelectMany(s => s.Tags)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var examples = trainProfiles.SelectMany(p => p.Skills.SelectMany(s => s.Examples)).Concat(trainItems.Select(item => item.Title)).ToList();
        return Enumerable.Range(0, count).Select(k =>
        {
            var profile = trainProfiles[random.Next(trainProfiles.Count)];
            var description = Fill(Pick(s_descriptionTemplates, random), area, profile, tags, random);
            var skills = Enumerable.Range(0, random.Next(2, 4)).Select(s => Skill(area, trainProfiles, tags, examples, random, s)).ToList();
            return new SkillProfile($"{area.Id}-card-{k}", profile.Name.ToLowerInvariant(), description, skills);
        }).ToList();
    }

    private static SkillEntry Skill(SkillArea area, IReadOnlyList<SkillProfile> profiles, List<string> tags, List<string> examples, Random random, int index)
    {
        var profile = profiles[random.Next(profiles.Count)];
        var picked = tags.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
        var name = random.NextDouble() switch
        {
            < 0.15 => area.Name,
            < 0.55 => Capitalize(picked[0]),
            _ => Capitalize(string.Join(" and ", tags.OrderBy(_ => random.Next()).Take(2))),
        };
        var skillTags = (random.NextDouble() < 0.5 ? [area.Id] : Array.Empty<string>()).Concat(picked).ToList();
        var skillExamples = examples.OrderBy(_ => random.Next()).Take(random.Next(0, 3)).ToList();
        return new SkillEntry(
            $"{area.Id}-{index}", name, Fill(Pick(s_skillDescriptionTemplates, random), area, profile, tags, random), skillTags, skillExamples,
            Math.Round(0.6 + (0.35 * random.NextDouble()), 2));
    }

    private static string Fill(string template, SkillArea area, SkillProfile profile, List<string> tags, Random random)
    {
        var shuffled = tags.OrderBy(_ => random.Next()).ToList();
        var (t1, t2, t3) = (shuffled[0], shuffled[1 % shuffled.Count], shuffled[2 % shuffled.Count]);
        return template.Replace("{area}", area.Name, StringComparison.Ordinal).Replace("{name}", Capitalize(profile.Name), StringComparison.Ordinal)
            .Replace("{description}", profile.Description, StringComparison.Ordinal).Replace("{T1}", Capitalize(t1), StringComparison.Ordinal)
            .Replace("{t1}", t1, StringComparison.Ordinal).Replace("{t2}", t2, StringComparison.Ordinal).Replace("{t3}", t3, StringComparison.Ordinal);
    }

    private static T Pick<T>(IReadOnlyList<T> options, Random random) => options[random.Next(options.Count)];

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
}
