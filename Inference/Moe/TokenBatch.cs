using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>Token id sequences padded (on the right) into an id tensor and a mask, [batch, longest].</summary>
public static class TokenBatch
{
    /// <summary>
    /// What the encoder reads of one skill of a profile: the member's own description gives the skill its context. Readings of
    /// it are kept, so a change here is a new <see cref="EncoderFingerprint.ReadingFormat"/>.
    /// </summary>
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

    /// <summary>
    /// Splits sequences, shortest first, into runs that pad little: a run closes before a sequence that would make its
    /// padding exceed <paramref name="maxPadding"/> of its real tokens, unless it has fewer than <paramref name="minRows"/>
    /// rows, and a short last run joins the one before (each run is a forward pass of a few hundred operations). Returns
    /// indices into <paramref name="sequences"/>, each run ordered by length. The served encoder does not split its
    /// batches, since it computes on real tokens only (<see cref="Model.PackedTokens"/>); bench-encoder keeps this to show
    /// that buckets buy what packing buys.
    /// </summary>
    public static IReadOnlyList<int[]> Buckets(IReadOnlyList<int[]> sequences, double maxPadding = 0.1, int minRows = 16)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var buckets = new List<int[]>();
        var run = new List<int>();
        long tokens = 0;
        foreach (var index in Enumerable.Range(0, sequences.Count).OrderBy(i => sequences[i].Length))
        {
            long length = Math.Max(1, sequences[index].Length);
            if (run.Count >= minRows && (run.Count + 1) * length > (1 + maxPadding) * (tokens + length))
            {
                buckets.Add([.. run]);
                run.Clear();
                tokens = 0;
            }

            run.Add(index);
            tokens += length;
        }

        // A short last run (the longest texts) joins the run before it rather than pay a forward pass's fixed cost alone.
        if (run.Count > 0 && run.Count < minRows && buckets.Count > 0)
        {
            buckets[^1] = [.. buckets[^1], .. run];
        }
        else if (run.Count > 0)
        {
            buckets.Add([.. run]);
        }

        return buckets;
    }

    public static (Tensor Ids, Tensor Mask) Encode(WordPieceTokenizer tokenizer, IEnumerable<string> texts, int maxTokens, Device device)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Pad(texts.Select(text => tokenizer.Encode(text, maxTokens)).ToList(), tokenizer.PadId, device);
    }
}
