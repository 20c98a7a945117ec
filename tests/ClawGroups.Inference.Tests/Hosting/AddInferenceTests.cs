using ClawGroups.Inference.Hosting;
using ClawGroups.Inference.Skills;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Inference.Tests.Hosting;

public sealed class AddInferenceTests
{
    [Theory]
    [InlineData(null, "moe")]
    [InlineData("lexical", "lexical")]
    [InlineData("moe", "moe")]
    [InlineData("blend", "moe+lexical")]
    public void Registers_the_configured_skill_model(string? model, string expectedName)
    {
        using var host = Build(model is null ? [] : [$"--ClawGroups:Inference:Model={model}"]);

        Assert.Equal(expectedName, host.Services.GetRequiredService<ISkillModel>().Name);
    }

    [Fact]
    public void Falls_back_to_lexical_when_no_weights_are_found()
    {
        using var host = Build([$"--ClawGroups:Inference:WeightsPath={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))}"]);

        Assert.Equal("lexical", host.Services.GetRequiredService<ISkillModel>().Name);
    }

    [Fact]
    public void An_unknown_model_name_fails_validation()
    {
        using var host = Build(["--ClawGroups:Inference:Model=gpt"]);

        Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<InferenceOptions>>().Value);
    }

    private static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddInference();
        return builder.Build();
    }
}
