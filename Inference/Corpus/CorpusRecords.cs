using System.Text.Json;
using System.Text.Json.Serialization;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Corpus;

/// <summary>A work item of the corpus with the area it belongs to and how long it took.</summary>
public sealed record CorpusItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("area")] string Area,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("duration_seconds")] double DurationSeconds,
    [property: JsonPropertyName("combo")] string Combo)
{
    public WorkItemText ToWorkItem() => new(Id, Title, Description, []);
}

/// <summary>A skill profile of the corpus, labelled with its area.</summary>
public sealed record CorpusProfile(
    [property: JsonPropertyName("area")] string Area,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("profile")] SkillProfile Profile);

/// <summary>The corpus as shipped: <c>train.jsonl</c>, <c>heldout.jsonl</c>, <c>profiles.jsonl</c>, <c>areas.json</c>.</summary>
public sealed record SkillCorpus(
    IReadOnlyList<string> Areas, IReadOnlyList<CorpusItem> Train, IReadOnlyList<CorpusItem> HeldOut, IReadOnlyList<CorpusProfile> Profiles)
{
    public const string TrainSplit = "train";
    public const string HeldOutSplit = "heldout";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The folder the corpus ships in: next to the program, else in the repository.</summary>
    public static string DefaultFolder()
    {
        var besideProgram = Path.Combine(AppContext.BaseDirectory, "Corpus", "data");
        if (Directory.Exists(besideProgram))
        {
            return besideProgram;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Inference", "Corpus", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("The skill corpus (Inference/Corpus/data) was not found; run the `corpus` command.");
    }

    public IEnumerable<CorpusProfile> ProfilesOf(string split) => Profiles.Where(profile => profile.Split == split);

    public static SkillCorpus Load(string folder)
    {
        var areas = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(Path.Combine(folder, "areas.json")), s_json)
            ?? throw new InvalidDataException("areas.json is empty.");
        return new SkillCorpus(
            areas, ReadLines<CorpusItem>(Path.Combine(folder, "train.jsonl")), ReadLines<CorpusItem>(Path.Combine(folder, "heldout.jsonl")),
            ReadLines<CorpusProfile>(Path.Combine(folder, "profiles.jsonl")));
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "areas.json"), JsonSerializer.Serialize(Areas, s_json));
        WriteLines(Path.Combine(folder, "train.jsonl"), Train);
        WriteLines(Path.Combine(folder, "heldout.jsonl"), HeldOut);
        WriteLines(Path.Combine(folder, "profiles.jsonl"), Profiles);
    }

    private static List<T> ReadLines<T>(string path) => File.ReadLines(path)
        .Where(line => line.Length > 0)
        .Select(line => JsonSerializer.Deserialize<T>(line, s_json) ?? throw new InvalidDataException($"{path}: a null line."))
        .ToList();

    private static void WriteLines<T>(string path, IEnumerable<T> records) =>
        File.WriteAllLines(path, records.Select(record => JsonSerializer.Serialize(record, s_json)));
}
