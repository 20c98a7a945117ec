namespace ClawGroups.Inference.Skills;

/// <summary>
/// The affinity of each work item to each profile, in [0, 1], row-major (item × profile), with the index of
/// the profile's skill that matched best (-1 when none did) so that an assignment can say why it was made.
/// </summary>
public sealed class AffinityMatrix
{
    private readonly float[] _scores;
    private readonly int[] _bestSkill;

    public AffinityMatrix(int items, int profiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfNegative(profiles);
        Items = items;
        Profiles = profiles;
        _scores = new float[items * profiles];
        _bestSkill = new int[items * profiles];
        Array.Fill(_bestSkill, -1);
    }

    public int Items { get; }

    public int Profiles { get; }

    public float Score(int item, int profile) => _scores[Index(item, profile)];

    public int BestSkill(int item, int profile) => _bestSkill[Index(item, profile)];

    public void Set(int item, int profile, float score, int bestSkill)
    {
        var index = Index(item, profile);
        _scores[index] = Math.Clamp(score, 0f, 1f);
        _bestSkill[index] = bestSkill;
    }

    private int Index(int item, int profile)
    {
        if ((uint)item >= (uint)Items || (uint)profile >= (uint)Profiles)
        {
            throw new ArgumentOutOfRangeException(nameof(item), $"({item}, {profile}) is outside {Items} × {Profiles}.");
        }

        return (item * Profiles) + profile;
    }
}
