using System.Runtime.CompilerServices;
using ClawGroups.Inference.Model;

namespace ClawGroups.Inference.Tests.Model;

public sealed class ParameterNamesTests
{
    [Fact]
    public void Tiny_model_state_names_and_shapes_match_the_checked_in_list()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create(), withLmHead: true);

        var actual = StateLines(model);
        var expected = File.ReadAllLines(ExpectedListPath()).Where(line => line.Length > 0).ToList();

        // On a deliberate change, replace the list file with the "actual" lines this failure prints.
        Assert.True(expected.SequenceEqual(actual), "actual:\n" + string.Join("\n", actual));
    }

    [Fact]
    public void Without_q_lora_rank_queries_use_a_single_q_proj()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create() with { QLoraRank = null });

        var names = model.state_dict().Keys.ToList();

        Assert.Contains("model.layers.0.self_attn.q_proj.weight", names);
        Assert.DoesNotContain(names, name => name.Contains("q_a_proj", StringComparison.Ordinal));
        Assert.DoesNotContain("lm_head.weight", names);
    }

    [Fact]
    public void Router_bias_is_state_but_not_a_trainable_parameter()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create());
        const string Bias = "model.layers.1.mlp.gate.e_score_correction_bias";

        Assert.Contains(Bias, model.state_dict().Keys);
        Assert.DoesNotContain(Bias, model.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Every_trainable_parameter_has_its_checkpoint_name()
    {
        using var model = new DeepseekV3Model(TinyConfig.Create(), withLmHead: true);

        var parameterNames = model.named_parameters().Select(p => p.name).ToHashSet();
        var stateNames = model.state_dict().Keys.Where(name => !name.EndsWith("e_score_correction_bias", StringComparison.Ordinal));

        Assert.Equal(stateNames.Order(StringComparer.Ordinal), parameterNames.Order(StringComparer.Ordinal));
    }

    internal static List<string> StateLines(DeepseekV3Model model) =>
        model.state_dict()
            .Select(entry => $"{entry.Key} [{string.Join(", ", entry.Value.shape)}]")
            .Order(StringComparer.Ordinal)
            .ToList();

    internal static string ExpectedListPath([CallerFilePath] string sourcePath = "") =>
        Path.Combine(Path.GetDirectoryName(sourcePath)!, "tiny-config.parameters.txt");
}
