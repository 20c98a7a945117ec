using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Corpus;

/// <summary>
/// One area of work in the corpus, as written in <c>areas.txt</c> and <c>broad/&lt;id&gt;.txt</c>: its profiles and the phrases its
/// work is described in — things with problems and asks (combined by templates), and whole sentences as people write them:
/// symptoms (what someone sees, not the skill it needs), questions, requests in business or legal register, chat one-liners.
/// </summary>
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
    public const string AreasFile = "areas.txt";
    public const string BroadFolder = "broad";

    private static readonly string[] s_keys = ["profile", "thing", "problem", "context", "ask", "symptom", "question", "request", "chat", "title"];

    public IReadOnlyList<string> Symptoms { get; init; } = [];

    public IReadOnlyList<string> Questions { get; init; } = [];

    public IReadOnlyList<string> Requests { get; init; } = [];

    public IReadOnlyList<string> Chats { get; init; } = [];

    /// <summary>Terse tracker titles ("Redis TTL eviction", "Logo for the podcast"): noun phrases and clipped imperatives.</summary>
    public IReadOnlyList<string> Titles { get; init; } = [];

    /// <summary>
    /// The areas of a corpus folder (<c>Inference/Corpus</c>): <c>areas.txt</c>, then each area's <c>broad/&lt;id&gt;.txt</c> and
    /// <c>broad/&lt;id&gt;.&lt;n&gt;.txt</c> files (later rounds of writing), in name order.
    /// </summary>
    public static IReadOnlyList<SkillArea> Load(string corpusRoot)
    {
        var text = new System.Text.StringBuilder(File.ReadAllText(Path.Combine(corpusRoot, AreasFile)));
        var broad = Path.Combine(corpusRoot, BroadFolder);
        if (Directory.Exists(broad))
        {
            foreach (var file in Directory.GetFiles(broad, "*.txt").Order(StringComparer.Ordinal))
            {
                text.Append("\n## ").Append(Path.GetFileName(file).Split('.')[0]).Append('\n').Append(File.ReadAllText(file));
            }
        }

        return Parse(text.ToString());
    }

    /// <summary>
    /// Reads <c>areas.txt</c>: "## id | name | median minutes", then "key: a; b; c" lines. A later "## id" alone adds to that area
    /// (how <see cref="Load"/> appends the broad files).
    /// </summary>
    public static IReadOnlyList<SkillArea> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builders = new List<Builder>();
        Builder? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                var head = line[3..].Split('|', StringSplitOptions.TrimEntries);
                current = head.Length == 1
                    ? builders.Find(b => b.Id == head[0]) ?? throw new InvalidDataException($"Phrases for area '{head[0]}', which areas.txt does not define.")
                    : new Builder(head[0], head[1], double.Parse(head[2], System.Globalization.CultureInfo.InvariantCulture));
                if (head.Length > 1)
                {
                    builders.Add(current);
                }
            }
            else if (current is not null && line.Length > 0 && !line.StartsWith('#'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var key = colon < 0 ? line : line[..colon];
                if (!s_keys.Contains(key, StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"Area '{current.Id}': unknown key in \"{line[..Math.Min(line.Length, 60)]}\" (keys: {string.Join(", ", s_keys)}).");
                }

                current.Add(key, line[(colon + 1)..].Trim());
            }
        }

        return builders.Select(builder => builder.Build()).ToList();
    }

    private sealed class Builder(string id, string name, double medianMinutes)
    {
        public string Id => id;

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

        public SkillArea Build() => new(id, name, medianMinutes, _profiles, Get("thing"), Get("problem"), Get("context"), Get("ask"))
        {
            Symptoms = Optional("symptom"),
            Questions = Optional("question"),
            Requests = Optional("request"),
            Chats = Optional("chat"),
            Titles = Optional("title"),
        };

        private List<string> Optional(string key) => _phrases.TryGetValue(key, out var list) ? list.Distinct(StringComparer.Ordinal).ToList() : [];

        private List<string> Get(string key) => _phrases.TryGetValue(key, out var list)
            ? list
            : throw new InvalidDataException($"areas.txt: area '{id}' has no '{key}' line.");
    }
}
