namespace ClawGroups.Inference.Skills;

/// <summary>
/// Two skill models in one: each item's affinities from both are rescaled to [0, 1] across the profiles (the two
/// models' raw scores live on different scales) and mixed. The MoE model knows paraphrase ("the button overlaps
/// the footer on phones" is front-end work); the lexical model is exact when the words do match. Durations come
/// from the primary model.
/// </summary>
public sealed class BlendedSkillModel(ISkillModel primary, ISkillModel secondary, double primaryWeight) : ISkillModel, IDisposable
{
    /// <summary>The MoE model's share when the app serves the blend, as the eval command measures it.</summary>
    public const double ServedMoeWeight = 0.6;

    public string Name => $"{primary.Name}+{secondary.Name}";

    /// <summary>The primary model's readings: the secondary (the lexical baseline) reads words afresh and ignores them.</summary>
    public string? ReadingVersion => primary.ReadingVersion;

    public IReadOnlyList<ItemReading> Read(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken) => primary.Read(items, cancellationToken);

    /// <summary>Both read; the primary's readings are the ones to keep, as with items.</summary>
    public IReadOnlyList<IReadOnlyList<ItemReading>> ReadProfiles(IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        secondary.ReadProfiles(profiles, cancellationToken);
        return primary.ReadProfiles(profiles, cancellationToken);
    }

    public bool HasRead(SkillProfile profile) => primary.HasRead(profile) && secondary.HasRead(profile);

    public IReadOnlyList<IReadOnlyList<string>> Explain(IReadOnlyList<SkillMatch> matches, int words, CancellationToken cancellationToken) =>
        primary.Explain(matches, words, cancellationToken);

    public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(profiles);
        var first = primary.Score(items, profiles, cancellationToken);
        var second = secondary.Score(items, profiles, cancellationToken);
        var blended = new AffinityMatrix(items.Count, profiles.Count);
        var a = new float[profiles.Count];
        var b = new float[profiles.Count];
        for (var i = 0; i < items.Count; i++)
        {
            for (var p = 0; p < profiles.Count; p++)
            {
                a[p] = first.Score(i, p);
                b[p] = second.Score(i, p);
            }

            Rescale(a);
            Rescale(b);
            for (var p = 0; p < profiles.Count; p++)
            {
                var score = (primaryWeight * a[p]) + ((1 - primaryWeight) * b[p]);
                // The reason names the skill the stronger contribution matched.
                var best = primaryWeight * a[p] >= (1 - primaryWeight) * b[p] ? first.BestSkill(i, p) : second.BestSkill(i, p);
                blended.Set(i, p, (float)score, best >= 0 ? best : Math.Max(first.BestSkill(i, p), second.BestSkill(i, p)));
            }
        }

        return blended;
    }

    public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
        => primary.ExpectedDurationSeconds(items, cancellationToken);

    public void Dispose()
    {
        (primary as IDisposable)?.Dispose();
        (secondary as IDisposable)?.Dispose();
    }

    /// <summary>Min-max across one item's profiles; a row with no spread carries no preference.</summary>
    private static void Rescale(float[] row)
    {
        var min = row.Min();
        var spread = row.Max() - min;
        for (var p = 0; p < row.Length; p++)
        {
            row[p] = spread > 1e-6f ? (row[p] - min) / spread : 0f;
        }
    }
}
