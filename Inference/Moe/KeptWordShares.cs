using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// A match's strongest words from what the item's reading kept (<see cref="ReadingWords"/>), without an encoder pass. A piece's
/// share of a match is <c>(W·state + b)·skill</c> through the embedding head, so a word's (its pieces' sum) is
/// <c>pieces × (mean state·(Wᵀ·skill) + b·skill)</c>: the head's weights are turned toward each distinct skill once, then each
/// word costs one dot product of the state's width. The same words as read afresh, up to float rounding.
/// </summary>
internal static class KeptWordShares
{
    /// <summary>For each match (an item's kept words and the matched skill's vector), its strongest words, at most <paramref name="count"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Strongest(LinearWeights head, IReadOnlyList<(ReadingWords Words, float[] Skill)> matches, int count)
    {
        if (matches.Count == 0)
        {
            return [];
        }

        var rowOf = new Dictionary<float[], int>(ReferenceEqualityComparer.Instance);
        var skills = new List<float[]>();
        foreach (var (_, skill) in matches)
        {
            if (rowOf.TryAdd(skill, skills.Count))
            {
                skills.Add(skill);
            }
        }

        float[] turned;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            // [skills × embedding] · [embedding × hidden]: each skill's vector taken back through the head's weights.
            var weight = tensor(head.Weight, [head.Outputs, head.Inputs]);
            turned = stack(skills.Select(skill => tensor(skill))).matmul(weight).contiguous().data<float>().ToArray();
        }

        var hidden = head.Inputs;
        return matches.Select(match =>
        {
            var toward = turned.AsSpan(rowOf[match.Skill] * hidden, hidden);
            var offset = Dot(head.Bias, match.Skill);
            var shares = new double[match.Words.Words.Count];
            for (var w = 0; w < shares.Length; w++)
            {
                shares[w] = match.Words.Pieces[w] * ((double)Dot(match.Words.States.AsSpan(w * hidden, hidden), toward) + offset);
            }

            return WordShares.Strongest(match.Words.Words, shares, count);
        }).ToList();
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var d = 0; d < a.Length; d++)
        {
            sum += a[d] * b[d];
        }

        return sum;
    }
}
