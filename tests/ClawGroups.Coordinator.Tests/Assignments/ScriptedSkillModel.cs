using System.Collections.Concurrent;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>
/// A skill model whose affinities, readings and explanations a test writes down, and which remembers what it was asked:
/// which texts it read, which readings it was given to score, and which matches it explained.
/// </summary>
internal sealed class ScriptedSkillModel(string? readingVersion = null) : ISkillModel
{
    public string Name => "scripted";

    public string? ReadingVersion => readingVersion;

    /// <summary>Affinity of an item (by title) to a profile (by name), and the index of the skill that matched; 0.5 and the first skill by default.</summary>
    public Func<WorkItemText, SkillProfile, (float Affinity, int Skill)> Affinity { get; init; } = (_, _) => (0.5f, 0);

    /// <summary>The words that explain a match; none by default.</summary>
    public Func<SkillMatch, IReadOnlyList<string>> Words { get; init; } = _ => [];

    public ConcurrentQueue<IReadOnlyList<WorkItemText>> ReadCalls { get; } = new();

    public ConcurrentQueue<IReadOnlyList<WorkItemText>> ScoreCalls { get; } = new();

    /// <summary>For each call to <see cref="Score"/>, the titles of the items and the names of the profiles it was asked about.</summary>
    public ConcurrentQueue<(string[] Items, string[] Profiles)> Scored { get; } = new();

    public ConcurrentQueue<IReadOnlyList<SkillMatch>> ExplainCalls { get; } = new();

    /// <summary>Runs inside <see cref="Read"/>, to change the world while the model reads.</summary>
    public Action? WhileReading { get; init; }

    /// <summary>Whether <see cref="Read"/> keeps words with its readings (<see cref="WordsOf"/>), as the MoE model does.</summary>
    public bool KeepsWords { get; init; }

    /// <summary>The words this model keeps of a text: its title's words, one piece each, their states the title's vector.</summary>
    public static ReadingWords WordsOf(string title)
    {
        var words = title.Split(' ');
        return new ReadingWords(words, [.. words.Select(_ => 1)], [.. words.SelectMany(_ => VectorOf(title))]);
    }

    /// <summary>The vector this model makes of a text: its title's length and word count.</summary>
    public static float[] VectorOf(string title) => [title.Length, title.Split(' ').Length];

    public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        ScoreCalls.Enqueue(items);
        Scored.Enqueue((items.Select(i => i.Title).ToArray(), profiles.Select(p => p.Name).ToArray()));
        var matrix = new AffinityMatrix(items.Count, profiles.Count);
        for (var i = 0; i < items.Count; i++)
        {
            for (var p = 0; p < profiles.Count; p++)
            {
                var (affinity, skill) = Affinity(items[i], profiles[p]);
                matrix.Set(i, p, affinity, skill);
            }
        }

        return matrix;
    }

    public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
        => items.Select(_ => (double?)600).ToList();

    public IReadOnlyList<ItemReading> Read(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ReadCalls.Enqueue(items);
        WhileReading?.Invoke();
        return readingVersion is { } version
            ? items.Select(i => new ItemReading(version, VectorOf(i.Title), KeepsWords ? WordsOf(i.Title) : null)).ToList()
            : [];
    }

    /// <summary>Each call to <see cref="ReadProfiles"/>: the profiles as the caller handed them, kept readings and all.</summary>
    public ConcurrentQueue<IReadOnlyList<SkillProfile>> ProfileReads { get; } = new();

    private readonly ConcurrentDictionary<string, bool> _readProfiles = new(StringComparer.Ordinal);

    /// <summary>Keeps what it read of a profile, by member, while it has a reading version; a skill's reading is its name's vector.</summary>
    public IReadOnlyList<IReadOnlyList<ItemReading>> ReadProfiles(IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        ProfileReads.Enqueue(profiles);
        if (readingVersion is not { } version)
        {
            return [];
        }

        foreach (var profile in profiles)
        {
            _readProfiles[profile.MemberId] = true;
        }

        return profiles.Select(p => (IReadOnlyList<ItemReading>)p.Skills
            .Select(skill => skill.Reading is { } kept && kept.Version == version ? kept : new ItemReading(version, VectorOf(skill.Name))).ToList()).ToList();
    }

    public bool HasRead(SkillProfile profile) => readingVersion is null || _readProfiles.ContainsKey(profile.MemberId);

    public IReadOnlyList<IReadOnlyList<string>> Explain(IReadOnlyList<SkillMatch> matches, int words, CancellationToken cancellationToken)
    {
        ExplainCalls.Enqueue(matches);
        return matches.Select(m => (IReadOnlyList<string>)Words(m).Take(words).ToList()).ToList();
    }
}
