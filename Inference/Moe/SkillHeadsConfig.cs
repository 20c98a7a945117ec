using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// <c>skill_heads.json</c>: what the heads on the encoder need beyond the architecture's config.json — the skill
/// areas of the multi-label head in order, the embedding width, and the scale of the duration regression.
/// </summary>
public sealed record SkillHeadsConfig
{
    public const string FileName = "skill_heads.json";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    [JsonPropertyName("areas")] public IReadOnlyList<string> Areas { get; init; } = [];
    [JsonPropertyName("embedding_dim")] public int EmbeddingDim { get; init; } = 128;
    [JsonPropertyName("max_tokens")] public int MaxTokens { get; init; } = 64;
    [JsonPropertyName("temperature")] public double Temperature { get; init; } = 0.05;

    /// <summary>
    /// The share of a skill's affinity that comes from the item and the skill falling in the same areas (the skills head's
    /// probabilities, compared as unit vectors); the rest is the cosine of their embeddings. Chosen on the real-style dev half;
    /// 0 (older weights) is the cosine alone.
    /// </summary>
    [JsonPropertyName("area_weight")] public double AreaWeight { get; init; }

    /// <summary>Mean and spread of ln(seconds) over the training items: the duration head predicts in these units.</summary>
    [JsonPropertyName("duration_log_mean")] public double DurationLogMean { get; init; }
    [JsonPropertyName("duration_log_std")] public double DurationLogStd { get; init; } = 1;

    /// <summary>How the weights were made (command, seed, eval line), for whoever reads the folder.</summary>
    [JsonPropertyName("provenance")] public Dictionary<string, string> Provenance { get; init; } = [];

    public static SkillHeadsConfig Load(string path) =>
        JsonSerializer.Deserialize<SkillHeadsConfig>(File.ReadAllText(path), s_json) ?? throw new InvalidDataException($"{path} is empty.");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));
}
