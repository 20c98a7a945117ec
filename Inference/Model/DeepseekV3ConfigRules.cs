using System.Text.Json;

namespace ClawGroups.Inference.Model;

/// <summary>The checks that make a <see cref="DeepseekV3Config"/> runnable, each naming its field.</summary>
internal static class DeepseekV3ConfigRules
{
    public static string? FirstProblem(DeepseekV3Config c) =>
        Equal("model_type", c.ModelType, DeepseekV3Config.ExpectedModelType, "kimi_k2")
        ?? Positive("vocab_size", c.VocabSize)
        ?? Positive("hidden_size", c.HiddenSize)
        ?? Positive("intermediate_size", c.IntermediateSize)
        ?? Positive("moe_intermediate_size", c.MoeIntermediateSize)
        ?? Positive("num_hidden_layers", c.NumHiddenLayers)
        ?? Positive("num_attention_heads", c.NumAttentionHeads)
        ?? Positive("num_key_value_heads", c.NumKeyValueHeads)
        ?? Check("num_key_value_heads", c.NumAttentionHeads % c.NumKeyValueHeads == 0,
            $"num_attention_heads ({c.NumAttentionHeads}) must be a multiple of it ({c.NumKeyValueHeads})")
        ?? NonNegative("n_shared_experts", c.NSharedExperts)
        ?? NonNegative("first_k_dense_replace", c.FirstKDenseReplace)
        ?? MoeProblem(c)
        ?? Check("q_lora_rank", c.QLoraRank is null or > 0, $"must be null or positive, got {c.QLoraRank}")
        ?? Positive("kv_lora_rank", c.KvLoraRank)
        ?? Check("qk_rope_head_dim", c.QkRopeHeadDim > 0 && c.QkRopeHeadDim % 2 == 0,
            $"must be positive and even (rotary pairs), got {c.QkRopeHeadDim}")
        ?? NonNegative("qk_nope_head_dim", c.QkNopeHeadDim)
        ?? Positive("v_head_dim", c.VHeadDim)
        ?? Positive("max_position_embeddings", c.MaxPositionEmbeddings)
        ?? Check("rope_theta", c.RopeTheta > 0, $"must be positive, got {c.RopeTheta}")
        ?? Check("rms_norm_eps", c.RmsNormEps > 0, $"must be positive, got {c.RmsNormEps}")
        ?? Equal("hidden_act", c.HiddenAct, "silu")
        ?? Check("attention_dropout", c.AttentionDropout is >= 0 and < 1, $"must be in [0, 1), got {c.AttentionDropout}")
        ?? Check("pad_token_id", c.PadTokenId is null || (c.PadTokenId >= 0 && c.PadTokenId < c.VocabSize),
            $"must be null or a token id below vocab_size ({c.VocabSize}), got {c.PadTokenId}")
        // YaRN changes both the rotary angles and the softmax scale; running without it would be silently wrong.
        ?? Check("rope_scaling", !HasValue(c, "rope_scaling"), "is not supported by this port (no YaRN); remove it or set it to null");

    private static bool HasValue(DeepseekV3Config c, string field) =>
        c.OtherFields is not null && c.OtherFields.TryGetValue(field, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Routing rules only matter when some layer is an MoE layer.</summary>
    private static string? MoeProblem(DeepseekV3Config c)
    {
        if (c.FirstKDenseReplace >= c.NumHiddenLayers)
        {
            return null;
        }

        return Positive("n_routed_experts", c.NRoutedExperts)
            ?? Check("num_experts_per_tok", c.NumExpertsPerTok > 0 && c.NumExpertsPerTok <= c.NRoutedExperts,
                $"must be between 1 and n_routed_experts ({c.NRoutedExperts}), got {c.NumExpertsPerTok}")
            ?? Check("routed_scaling_factor", c.RoutedScalingFactor > 0, $"must be positive, got {c.RoutedScalingFactor}")
            ?? Equal("scoring_func", c.ScoringFunc, "sigmoid")
            ?? Equal("topk_method", c.TopkMethod, "noaux_tc")
            ?? Check("n_group", c.NGroup > 0 && c.NRoutedExperts % c.NGroup == 0,
                $"must be positive and divide n_routed_experts ({c.NRoutedExperts}), got {c.NGroup}")
            // Group scores are the sum of each group's two best experts, so a group needs at least two.
            ?? Check("n_group", c.NRoutedExperts / c.NGroup >= 2,
                $"leaves {c.NRoutedExperts / c.NGroup} expert per group; noaux_tc routing needs at least 2")
            ?? Check("topk_group", c.TopkGroup > 0 && c.TopkGroup <= c.NGroup,
                $"must be between 1 and n_group ({c.NGroup}), got {c.TopkGroup}")
            ?? Check("num_experts_per_tok", c.NumExpertsPerTok <= c.TopkGroup * (c.NRoutedExperts / c.NGroup),
                $"({c.NumExpertsPerTok}) exceeds the experts in the topk_group ({c.TopkGroup}) chosen groups");
    }

    private static string? Check(string field, bool ok, string problem) => ok ? null : $"'{field}' {problem}.";

    private static string? Positive(string field, int value) => Check(field, value > 0, $"must be positive, got {value}");

    private static string? NonNegative(string field, int value) => Check(field, value >= 0, $"must not be negative, got {value}");

    private static string? Equal(string field, string value, params string[] allowed) =>
        Check(field, allowed.Contains(value, StringComparer.Ordinal),
            $"must be {string.Join(" or ", allowed.Select(a => $"\"{a}\""))}, got \"{value}\"");
}
