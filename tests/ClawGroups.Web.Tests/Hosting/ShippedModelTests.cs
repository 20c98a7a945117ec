using ClawGroups.Inference.Hosting;

namespace ClawGroups.Web.Tests.Hosting;

/// <summary>The web app ships the model as a library with its weights and corpus; the model's command line is Inference/Cli's own.</summary>
public sealed class ShippedModelTests
{
    [Fact]
    public void The_web_app_ships_the_model_library_with_its_weights_and_corpus_and_without_its_command_line()
    {
        var output = AppContext.BaseDirectory;

        var library = typeof(InferenceOptions).Assembly;

        Assert.Null(library.EntryPoint);
        Assert.False(File.Exists(Path.Combine(output, "ClawGroups.Inference.Cli.dll")));
        Assert.True(File.Exists(Path.Combine(output, "Weights", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "Corpus", "data", "train.jsonl")));
    }
}
