using System.Text.Json;
using System.Text.Json.Serialization;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// Agent cards written like the ones agents register (several skills, each with its own name, description, tags
/// and examples) and tasks phrased as people write them, each labelled with the card that should get it:
/// <c>Corpus/data/realstyle-eval.json</c>. Written for evaluation only; training never reads it (PROVENANCE.md).
/// </summary>
public sealed record RealStyleEvalSet(
    [property: JsonPropertyName("cards")] IReadOnlyList<RealStyleCard> Cards,
    [property: JsonPropertyName("tasks")] IReadOnlyList<RealStyleTask> Tasks)
{
    public const string FileName = "realstyle-eval.json";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    public static RealStyleEvalSet Load(string corpusFolder) =>
        JsonSerializer.Deserialize<RealStyleEvalSet>(File.ReadAllText(Path.Combine(corpusFolder, FileName)), s_json)
        ?? throw new InvalidDataException($"{FileName} is empty.");

    public IReadOnlyList<SkillProfile> Profiles() => Cards.Select(card => card.ToProfile()).ToList();

    public IReadOnlyList<WorkItemText> Items() => Tasks.Select((task, i) => new WorkItemText($"realstyle-{i:D3}", task.Text, string.Empty, [])).ToList();
}

/// <summary>An agent card as registered: the member is named by the card's name.</summary>
public sealed record RealStyleCard(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("skills")] IReadOnlyList<SkillEntry> Skills)
{
    public SkillProfile ToProfile() => new(Name, Name, Description, Skills);
}

/// <summary>A task as a person would write it, and the name of the card that should get it.</summary>
public sealed record RealStyleTask(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("card")] string Card);
