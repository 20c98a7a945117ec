using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Tests.Model;

public sealed class DeepseekV3ConfigTests
{
    [Fact]
    public void Config_json_uses_the_hugging_face_field_names()
    {
        var json = TinyConfig.Create().ToJson();

        foreach (var field in new[]
        {
            "\"vocab_size\": 64", "\"moe_intermediate_size\": 16", "\"n_routed_experts\": 8", "\"num_experts_per_tok\": 2",
            "\"q_lora_rank\": 24", "\"kv_lora_rank\": 16", "\"qk_rope_head_dim\": 8", "\"first_k_dense_replace\": 1",
            "\"scoring_func\": \"sigmoid\"", "\"topk_method\": \"noaux_tc\"", "\"model_type\": \"deepseek_v3\"",
        })
        {
            Assert.Contains(field, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Config_survives_a_save_and_load()
    {
        var config = TinyConfig.Create() with { QLoraRank = null, TieWordEmbeddings = true };
        var path = Path.Combine(Path.GetTempPath(), $"config-{Guid.NewGuid():N}.json");
        try
        {
            config.Save(path);

            var loaded = DeepseekV3Config.Load(path);

            Assert.Equal(config, loaded);
            Assert.Null(loaded.QLoraRank);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fields_this_port_does_not_model_are_kept_through_a_round_trip()
    {
        var json = """{"model_type":"kimi_k2","architectures":["DeepseekV3ForCausalLM"],"hidden_size":64,"num_hidden_layers":1}""";

        var config = DeepseekV3Config.Parse(json);

        Assert.Equal(64, config.HiddenSize);
        Assert.Contains("\"architectures\"", config.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_fields_take_the_transformers_defaults()
    {
        var config = DeepseekV3Config.Parse("{}");

        Assert.Equal(256, config.NRoutedExperts);
        Assert.Equal(1536, config.QLoraRank);
        Assert.Equal(2.5, config.RoutedScalingFactor);
    }

    [Theory]
    [InlineData("""{"n_group": 3}""", "'n_group'")]
    [InlineData("""{"topk_group": 9}""", "'topk_group'")]
    [InlineData("""{"num_experts_per_tok": 300}""", "'num_experts_per_tok'")]
    [InlineData("""{"scoring_func": "softmax"}""", "'scoring_func' must be \"sigmoid\"")]
    [InlineData("""{"topk_method": "greedy"}""", "'topk_method' must be \"noaux_tc\"")]
    [InlineData("""{"hidden_act": "gelu"}""", "'hidden_act' must be \"silu\"")]
    [InlineData("""{"qk_rope_head_dim": 7}""", "'qk_rope_head_dim' must be positive and even")]
    [InlineData("""{"q_lora_rank": 0}""", "'q_lora_rank'")]
    [InlineData("""{"hidden_size": -1}""", "'hidden_size' must be positive, got -1")]
    [InlineData("""{"model_type": "llama"}""", "'model_type'")]
    [InlineData("""{"rope_scaling": {"type": "yarn", "factor": 32}}""", "'rope_scaling'")]
    public void Invalid_configs_are_rejected_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => DeepseekV3Config.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_rejected_naming_the_field()
    {
        var error = Assert.Throws<InvalidDataException>(() => DeepseekV3Config.Parse("""{"hidden_size": "wide"}"""));

        Assert.Contains("hidden_size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dense_only_configs_need_no_valid_routing_fields()
    {
        var config = TinyConfig.Create() with { FirstKDenseReplace = 2, NGroup = 3 };

        config.Validate();
    }
}
