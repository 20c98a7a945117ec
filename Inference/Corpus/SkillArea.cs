using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Corpus;

/// <summary>One area of work in the corpus, as written in <c>areas.txt</c>: its profiles and the phrases its work is described in.</summary>
public sealed record SkillArea(
    string Id,
    string Name,
    double MedianMinutes,
    IReadOnlyList<SkillProfile> Profiles,
    IReadOnlyList<string> Things,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Contexts,
    IReadOnlyList<string> Asks)
{
    /// <summary>Reads <c>areas.txt</c>: "## id | name | median minutes", then "key: a; b; c" lines.</summary>
    public static IReadOnlyList<SkillArea> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var areas = new List<SkillArea>();
        Builder? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    areas.Add(current.Build());
                }

                var head = line[3..].Split('|', StringSplitOptions.TrimEntries);
                current = new Builder(head[0], head[1], double.Parse(head[2], System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (current is not null && line.Length > 0 && !line.StartsWith('#'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                current.Add(line[..colon], line[(colon + 1)..].Trim());
            }
        }

        if (current is not null)
        {
            areas.Add(current.Build());
        }

        return areas;
    }

    private sealed class Builder(string id, string name, double medianMinutes)
    {
        private readonly List<SkillProfile> _profiles = [];
        private readonly Dictionary<string, List<string>> _phrases = new(StringComparer.Ordinal);

        public void Add(string key, string value)
        {
            if (key == "profile")
            {
                var parts = value.Split('|', StringSplitOptions.TrimEntries);
                var tags = parts[2].Split(',', StringSplitOptions.TrimEntries);
                var skill = new SkillEntry(id, name, parts[1], tags, [parts[3]], 0.8);
                _profiles.Add(new SkillProfile($"{id}-{_profiles.Count}", parts[0], parts[1], [skill]));
                return;
            }

            var phrases = value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            (_phrases.TryGetValue(key, out var list) ? list : _phrases[key] = []).AddRange(phrases);
        }

        public SkillArea Build() => new(
            id, name, medianMinutes, _profiles, Get("thing"), Get("problem"), Get("context"), Get("ask"));

        private List<string> Get(string key) => _phrases.TryGetValue(key, out var list)
            ? list
            : throw new InvalidDataException($"areas.txt: area '{id}' has no '{key}' line.");
    }
}
