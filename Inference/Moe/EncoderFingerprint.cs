using System.Security.Cryptography;
using ClawGroups.Inference.Tokenization;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// Names one encoder exactly: a hash of its architecture, vocabulary and encoder weights (not the heads, which a group's tuning
/// swaps). An item's reading is kept with this name, so readings made by other weights are never mixed with this encoder's.
/// </summary>
public static class EncoderFingerprint
{
    public static string Of(SkillNetwork network, WordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(network.Config.ToJson()));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(tokenizer.Decode(Enumerable.Range(0, tokenizer.VocabularySize))));
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in network.state_dict().Where(entry => entry.Key.StartsWith("model.", StringComparison.Ordinal)).OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            hash.AppendData(tensor.to(float32).contiguous().bytes);
        }

        return "moe-" + Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
