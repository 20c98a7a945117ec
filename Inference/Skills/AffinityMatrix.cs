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

    /// <summary>
    /// Copies <paramref name="source"/>'s row <paramref name="sourceRow"/> into row <paramref name="row"/>: its column
    /// <c>columns[c]</c> into column c, or column for column when <paramref name="columns"/> is null. A pass copies a
    /// million pairs from the rows it scored against every member into the columns of the members with a free slot; one
    /// pair at a time, through the checked accessors, that was a tenth of a cold pass.
    /// </summary>
    public void CopyRow(int row, AffinityMatrix source, int sourceRow, IReadOnlyList<int>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var width = columns?.Count ?? source.Profiles;
        if (width != Profiles)
        {
            throw new ArgumentException($"{width} columns do not fill a row of {Profiles}.", nameof(columns));
        }

        if (width == 0)
        {
            return;
        }

        var to = Index(row, 0);
        var from = source.Index(sourceRow, 0);
        if (columns is null)
        {
            Array.Copy(source._scores, from, _scores, to, width);
            Array.Copy(source._bestSkill, from, _bestSkill, to, width);
            return;
        }

        // All checked before any is copied: a refused copy leaves the row as it was.
        foreach (var column in columns)
        {
            if ((uint)column >= (uint)source.Profiles)
            {
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column {column} is outside {source.Profiles}.");
            }
        }

        for (var c = 0; c < width; c++)
        {
            _scores[to + c] = source._scores[from + columns[c]];
            _bestSkill[to + c] = source._bestSkill[from + columns[c]];
        }
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
