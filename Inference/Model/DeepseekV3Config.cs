using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Inference.Model;

/// <summary>
/// The Hugging Face <c>config.json</c> of a DeepSeek-V3 / Kimi-K2 model, with its field names. Defaults are
/// those of transformers' <c>DeepseekV3Config</c>, so a config.json that leaves a field out means the same here.
/// </summary>
public sealed record DeepseekV3Config
{
    public const string ExpectedModelType = "deepseek_v3";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    [JsonPropertyName("model_type")] public string ModelType { get; init; } = ExpectedModelType;
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 129280;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 7168;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 18432;
    [JsonPropertyName("moe_intermediate_size")] public int MoeIntermediateSize { get; init; } = 2048;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 61;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 128;
    [JsonPropertyName("num_key_value_heads")] public int NumKeyValueHeads { get; init; } = 128;
    [JsonPropertyName("n_shared_experts")] public int NSharedExperts { get; init; } = 1;
    [JsonPropertyName("n_routed_experts")] public int NRoutedExperts { get; init; } = 256;
    [JsonPropertyName("num_experts_per_tok")] public int NumExpertsPerTok { get; init; } = 8;
    [JsonPropertyName("routed_scaling_factor")] public double RoutedScalingFactor { get; init; } = 2.5;
    [JsonPropertyName("first_k_dense_replace")] public int FirstKDenseReplace { get; init; } = 3;
    [JsonPropertyName("norm_topk_prob")] public bool NormTopkProb { get; init; } = true;
    [JsonPropertyName("scoring_func")] public string ScoringFunc { get; init; } = "sigmoid";
    [JsonPropertyName("topk_method")] public string TopkMethod { get; init; } = "noaux_tc";
    [JsonPropertyName("n_group")] public int NGroup { get; init; } = 8;
    [JsonPropertyName("topk_group")] public int TopkGroup { get; init; } = 4;
    [JsonPropertyName("q_lora_rank")] public int? QLoraRank { get; init; } = 1536;
    [JsonPropertyName("kv_lora_rank")] public int KvLoraRank { get; init; } = 512;
    [JsonPropertyName("qk_rope_head_dim")] public int QkRopeHeadDim { get; init; } = 64;
    [JsonPropertyName("qk_nope_head_dim")] public int QkNopeHeadDim { get; init; } = 128;
    [JsonPropertyName("v_head_dim")] public int VHeadDim { get; init; } = 128;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 4096;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("rope_interleave")] public bool RopeInterleave { get; init; } = true;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("attention_dropout")] public double AttentionDropout { get; init; }
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; } = 0;
    [JsonPropertyName("eos_token_id")] public int? EosTokenId { get; init; } = 1;
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; init; } = "float32";

    /// <summary>
    /// Fields this port does not model (architectures, rope_scaling, quantization_config, …), kept so a
    /// config.json survives a load and save unchanged.
    /// </summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? OtherFields { get; init; }

    [JsonIgnore] public int QkHeadDim => QkNopeHeadDim + QkRopeHeadDim;

    public static DeepseekV3Config Parse(string json)
    {
        DeepseekV3Config? config;
        try
        {
            config = JsonSerializer.Deserialize<DeepseekV3Config>(json, s_json);
        }
        catch (JsonException exception)
        {
            var field = exception.Path is { Length: > 2 } path ? path[2..] : exception.Path;
            throw new InvalidDataException($"config.json: field '{field}' could not be read: {exception.Message}", exception);
        }

        config = config ?? throw new InvalidDataException("config.json is empty (null).");
        config.Validate();
        return config;
    }

    public static DeepseekV3Config Load(string path) => Parse(File.ReadAllText(path));

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public void Save(string path)
    {
        Validate();
        File.WriteAllText(path, ToJson());
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first field that this port cannot run with.</summary>
    public void Validate()
    {
        var problem = DeepseekV3ConfigRules.FirstProblem(this);
        if (problem is not null)
        {
            throw new InvalidDataException($"config.json: {problem}");
        }
    }
}
