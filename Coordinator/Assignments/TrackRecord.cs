using System.Globalization;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// How a member's finished attempts in one skill area ended: accepted results, stalls, declines and review rejections, and the
/// pace of the accepted ones against the model's estimate (the sum of <see cref="Assignment.Pace"/> over those that had one).
/// </summary>
public readonly record struct TrackRecordCounts(int Accepted, int Stalled, int Declined, int Rejected, double PaceSum = 0, int Paced = 0)
{
    /// <summary>Attempts that tell something about the member: accepted or let down. Ended by someone else (revoked, reassigned) counts for nothing.</summary>
    public int Judged => Accepted + Stalled + Declined + Rejected;

    public static TrackRecordCounts operator +(TrackRecordCounts a, TrackRecordCounts b) => new(
        a.Accepted + b.Accepted, a.Stalled + b.Stalled, a.Declined + b.Declined, a.Rejected + b.Rejected, a.PaceSum + b.PaceSum, a.Paced + b.Paced);

    /// <summary>What one ended attempt adds: its outcome, and its pace when it was accepted and had one.</summary>
    public static TrackRecordCounts Of(AssignmentOutcome outcome, int count, double paceSum = 0, int paced = 0) => outcome switch
    {
        AssignmentOutcome.Completed => new(count, 0, 0, 0, paceSum, paced),
        AssignmentOutcome.Stalled => new(0, count, 0, 0),
        AssignmentOutcome.Declined => new(0, 0, count, 0),
        AssignmentOutcome.Rejected => new(0, 0, 0, count),
        _ => default,
    };
}

/// <summary>
/// A member's standing in one area, as the score counts it (decision 0029): the share of accepted results and the pace, each
/// shrunk toward what is known beyond this member and area — the member's record in their other areas, itself shrunk toward
/// the group's — by <see cref="TrackRecords.PriorStrength"/> attempts' worth. A newcomer stands exactly where the group does:
/// neither favoured nor starved; each attempt moves them a little, many attempts a lot.
/// </summary>
public readonly record struct Standing(double Reliability, double Pace, double GroupReliability, double GroupPace, TrackRecordCounts Counts)
{
    /// <summary>The standing in [0, 1]: mostly whether the work was accepted, partly how fast.</summary>
    public double Value => (TrackRecords.ReliabilityShare * Reliability) + ((1 - TrackRecords.ReliabilityShare) * Pace);

    /// <summary>Where a newcomer stands: the group's own figures.</summary>
    public double GroupValue => (TrackRecords.ReliabilityShare * GroupReliability) + ((1 - TrackRecords.ReliabilityShare) * GroupPace);

    /// <summary>Above (positive) or below (negative) the group: what the score adds, times its weight. 0 for a newcomer.</summary>
    public double Lead => Value - GroupValue;
}

/// <summary>
/// The track records of a group's members per skill area, read once per pass (<see cref="TrackRecordQuery"/>), and the standing
/// each gives. Areas are the member's own skill ids, compared without case.
/// </summary>
public sealed class TrackRecords
{
    /// <summary>How many attempts' worth the prior weighs: a member's first few attempts move their standing only a little.</summary>
    public const double PriorStrength = 5;

    /// <summary>How much of a standing is reliability (accepted results) rather than pace.</summary>
    public const double ReliabilityShare = 0.8;

    /// <summary>The group's reliability before it has any history: most work is accepted.</summary>
    public const double NoHistoryReliability = 0.8;

    public static readonly TrackRecords None = new([]);

    private readonly Dictionary<(Guid Member, string Area), TrackRecordCounts> _byArea;
    private readonly Dictionary<Guid, TrackRecordCounts> _byMember = [];
    private readonly TrackRecordCounts _group;
    private readonly double _groupReliability;
    private readonly double _groupPace;

    public TrackRecords(IEnumerable<(Guid Member, string? Area, TrackRecordCounts Counts)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _byArea = new Dictionary<(Guid, string), TrackRecordCounts>(AreaComparer.Instance);
        foreach (var (member, area, counts) in rows)
        {
            if (area is not null)
            {
                _byArea[(member, area)] = _byArea.GetValueOrDefault((member, area)) + counts;
            }

            _byMember[member] = _byMember.GetValueOrDefault(member) + counts;
            _group += counts;
        }

        _groupReliability = Shrunk(_group.Accepted, _group.Judged, NoHistoryReliability, 2);
        _groupPace = Shrunk(_group.PaceSum, _group.Paced, 1, 2);
    }

    /// <summary>Whether any member has a judged attempt: without one every standing is the group's and the score is unchanged.</summary>
    public bool Any => _group.Judged > 0;

    /// <summary>A member's counts over all areas (the roster's figures).</summary>
    public TrackRecordCounts Of(Guid member) => _byMember.GetValueOrDefault(member);

    /// <summary>A member's counts in one area.</summary>
    public TrackRecordCounts Of(Guid member, string area) => _byArea.GetValueOrDefault((member, area));

    /// <summary>
    /// The member's standing in <paramref name="area"/> (null: over all their work). In an area, the prior is the member's record
    /// outside it (shrunk toward the group's), so that no attempt is counted twice.
    /// </summary>
    public Standing StandingOf(Guid member, string? area)
    {
        var overall = Of(member);
        var inArea = area is null ? overall : Of(member, area);
        var outside = area is null ? default : Minus(overall, inArea);
        var priorReliability = Shrunk(outside.Accepted, outside.Judged, _groupReliability, PriorStrength);
        var priorPace = Shrunk(outside.PaceSum, outside.Paced, _groupPace, PriorStrength);
        return new Standing(
            Shrunk(inArea.Accepted, inArea.Judged, priorReliability, PriorStrength), Shrunk(inArea.PaceSum, inArea.Paced, priorPace, PriorStrength),
            _groupReliability, _groupPace, inArea);
    }

    /// <summary>
    /// The posterior mean of a Beta prior with mean <paramref name="prior"/> weighing <paramref name="strength"/> observations,
    /// after <paramref name="successes"/> of <paramref name="trials"/> (successes may be fractional: a pace).
    /// </summary>
    public static double Shrunk(double successes, int trials, double prior, double strength)
        => (successes + (strength * prior)) / (trials + strength);

    /// <summary>The reason's words for a standing: "accepted 14 of 15 in Infrastructure"; null when the member has none there.</summary>
    public static string? Describe(TrackRecordCounts counts, string? areaName)
    {
        if (counts.Judged == 0)
        {
            return null;
        }

        var said = string.Create(CultureInfo.InvariantCulture, $"accepted {counts.Accepted} of {counts.Judged}");
        return string.IsNullOrWhiteSpace(areaName) ? said : $"{said} in {areaName.Trim()}";
    }

    private static TrackRecordCounts Minus(TrackRecordCounts a, TrackRecordCounts b) => new(
        a.Accepted - b.Accepted, a.Stalled - b.Stalled, a.Declined - b.Declined, a.Rejected - b.Rejected, a.PaceSum - b.PaceSum, a.Paced - b.Paced);

    private sealed class AreaComparer : IEqualityComparer<(Guid Member, string Area)>
    {
        public static readonly AreaComparer Instance = new();

        public bool Equals((Guid Member, string Area) x, (Guid Member, string Area) y)
            => x.Member == y.Member && string.Equals(x.Area, y.Area, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((Guid Member, string Area) key)
            => HashCode.Combine(key.Member, StringComparer.OrdinalIgnoreCase.GetHashCode(key.Area));
    }
}
