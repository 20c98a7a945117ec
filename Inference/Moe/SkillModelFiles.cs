using ClawGroups.Inference.Model;
using ClawGroups.Inference.Tokenization;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The weights folder: <c>config.json</c> (the architecture, HF fields), <c>model.safetensors</c> (encoder and
/// heads), <c>skill_heads.json</c>, and the tokenizer's <c>vocab.txt</c>.
/// </summary>
public static class SkillModelFiles
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";

    /// <summary>Where shipped weights are: next to the program (copied from Inference/Weights at build), else in the repository.</summary>
    public static string DefaultFolder()
    {
        var besideProgram = Path.Combine(AppContext.BaseDirectory, "Weights");
        if (Exists(besideProgram))
        {
            return besideProgram;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Inference", "Weights");
            if (Exists(candidate))
            {
                return candidate;
            }
        }

        return besideProgram;
    }

    public static bool Exists(string folder) =>
        File.Exists(Path.Combine(folder, ConfigFile)) && File.Exists(Path.Combine(folder, WeightsFile)) &&
        File.Exists(Path.Combine(folder, SkillHeadsConfig.FileName)) && File.Exists(Path.Combine(folder, WordPieceTokenizer.FileName));

    public static void Save(string folder, SkillNetwork network, WordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Directory.CreateDirectory(folder);
        // Half precision on disk (the 27,600-piece embedding table is most of the model) keeps the shipped weights small;
        // they are widened to float32 on load, and evaluation reads them back as saved.
        (network.Config with { TorchDtype = "float16" }).Save(Path.Combine(folder, ConfigFile));
        network.HeadsConfig.Save(Path.Combine(folder, SkillHeadsConfig.FileName));
        tokenizer.Save(Path.Combine(folder, WordPieceTokenizer.FileName));
        ModelCheckpoint.Save(network, Path.Combine(folder, WeightsFile), SafeTensors.SafeTensorsDType.F16);
    }

    public static (SkillNetwork Network, WordPieceTokenizer Tokenizer) Load(string folder)
    {
        var config = DeepseekV3Config.Load(Path.Combine(folder, ConfigFile));
        var heads = SkillHeadsConfig.Load(Path.Combine(folder, SkillHeadsConfig.FileName));
        var tokenizer = WordPieceTokenizer.Load(Path.Combine(folder, WordPieceTokenizer.FileName));
        var network = new SkillNetwork(config, heads);
        ModelCheckpoint.Load(network, [Path.Combine(folder, WeightsFile)], strict: true);
        network.eval();
        return (network, tokenizer);
    }
}
