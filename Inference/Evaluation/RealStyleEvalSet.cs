using System.Text.Json;
using System.Text.Json.Serialization;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// Agent cards written like the ones agents register (several skills, each with its own name, description, tags and
/// examples), one per skill area, and tasks phrased as people write them, each labelled with the card that should get it:
/// <c>Corpus/data/realstyle-eval.json</c>. Written for evaluation only; training never reads it (PROVENANCE.md). Split into
/// a dev half, for choices such as blend weights and the routing-confidence threshold, and a test half, which is reported.
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

    public IReadOnlyList<WorkItemText> Items() => Tasks.Select((task, i) => task.ToWorkItem($"realstyle-{i:D3}")).ToList();

    /// <summary>
    /// The tasks of one half with every card. Each card's tasks are ordered by a hash of their text and dealt alternately, so
    /// both halves hold every card about equally and a task's half never changes when others are added.
    /// </summary>
    public RealStyleEvalSet Half(RealStyleHalf half)
    {
        var tasks = Tasks.GroupBy(task => task.Card)
            .SelectMany(card => card.OrderBy(task => CorpusGenerator.StableHash(task.Text)).ThenBy(task => task.Text, StringComparer.Ordinal)
                .Where((_, i) => (i % 2 == 0) == (half == RealStyleHalf.Dev)))
            .ToList();
        return this with { Tasks = tasks };
    }
}

public enum RealStyleHalf
{
    /// <summary>For choosing: the served model, blend weights, thresholds.</summary>
    Dev,

    /// <summary>For reporting only.</summary>
    Test,
}

/// <summary>An agent card as registered: the member is named by the card's name; <c>area</c> says which skill area it serves.</summary>
public sealed record RealStyleCard(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("area")] string? Area,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("skills")] IReadOnlyList<SkillEntry> Skills)
{
    public SkillProfile ToProfile() => new(Name, Name, Description, Skills);
}

/// <summary>A task as a person would write it (a title, sometimes a description), and the name of the card that should get it.</summary>
public sealed record RealStyleTask(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("card")] string Card)
{
    public WorkItemText ToWorkItem(string id) => new(id, Text, Description ?? string.Empty, []);
}
