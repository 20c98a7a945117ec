using ClawGroups.Inference.Model;
using ClawGroups.Inference.Moe;

namespace ClawGroups.Inference.Tests.Moe;

public sealed class SkillNetworkCheckpointTests
{
    [Fact]
    public void A_plain_DeepSeek_V3_model_reads_the_encoder_out_of_the_shipped_weights()
    {
        var folder = SkillModelFiles.DefaultFolder();
        using var encoder = new DeepseekV3Model(DeepseekV3Config.Load(Path.Combine(folder, SkillModelFiles.ConfigFile)));

        var report = encoder.LoadSafetensors(Path.Combine(folder, SkillModelFiles.WeightsFile), strict: false);

        Assert.Empty(report.Missing);
        Assert.All(report.Unexpected, name => Assert.StartsWith("skill_heads.", name, StringComparison.Ordinal));
    }

    /// <summary>Issue 18's bound: the weights ship in the repository, so they stay within 25 MB (decimal).</summary>
    [Fact]
    public void Shipped_weights_stay_within_25_MB()
    {
        var bytes = new DirectoryInfo(SkillModelFiles.DefaultFolder()).EnumerateFiles().Sum(file => file.Length);

        Assert.True(bytes <= 25_000_000, $"{bytes:N0} bytes");
    }
}
