using System.Security.Cryptography;
using ClawGroups.Inference.Tokenization;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// Names one encoder's readings exactly: a hash of its architecture, vocabulary and encoder weights (not the heads, which a
/// group's tuning swaps), and of how a text is put together for it (<see cref="ReadingFormat"/>, the token limit). An item's
/// reading and each skill of a card's are kept with this name, so readings made by other weights, or of texts put together
/// otherwise, are never mixed with this encoder's: a card is never read again once kept, so a change to what is read must
/// change the name.
/// </summary>
public static class EncoderFingerprint
{
    /// <summary>
    /// The shape of the texts readings are made of: an item's <c>SkillText.Of(item)</c>, a skill's
    /// <c>TokenBatch.SkillInput(profile, skill)</c> (the card's description, then the skill). Change either, change this.
    /// </summary>
    public const int ReadingFormat = 1;

    public static string Of(SkillNetwork network, WordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(
            $"format {ReadingFormat}, at most {network.HeadsConfig.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture)} tokens"));
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
