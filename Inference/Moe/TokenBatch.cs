using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>Token id sequences padded (on the right) into an id tensor and a mask, [batch, longest].</summary>
public static class TokenBatch
{
    /// <summary>What the encoder reads of one skill of a profile: the member's own description gives the skill its context.</summary>
    public static string SkillInput(SkillProfile profile, SkillEntry skill)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return $"{profile.Description}. {SkillText.Of(skill)}";
    }

    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> sequences, int padId, Device device)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var longest = Math.Max(1, sequences.Max(sequence => sequence.Length));
        var ids = new long[sequences.Count * longest];
        var mask = new float[sequences.Count * longest];
        Array.Fill(ids, padId);
        for (var row = 0; row < sequences.Count; row++)
        {
            for (var column = 0; column < sequences[row].Length; column++)
            {
                ids[(row * longest) + column] = sequences[row][column];
                mask[(row * longest) + column] = 1;
            }
        }

        return (tensor(ids, [sequences.Count, longest], device: device), tensor(mask, [sequences.Count, longest], device: device));
    }

    public static (Tensor Ids, Tensor Mask) Encode(WordPieceTokenizer tokenizer, IEnumerable<string> texts, int maxTokens, Device device)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Pad(texts.Select(text => tokenizer.Encode(text, maxTokens)).ToList(), tokenizer.PadId, device);
    }
}
