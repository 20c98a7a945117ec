using System.Globalization;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// How a member's finished attempts in one skill area ended: accepted results, stalls, declines and review rejections, and the
/// pace of the accepted ones against the model's estimate (the sum of <see cref="Assignment.Pace"/> over those that had one), and
/// what all of them cost in US dollars as reported (accepted or not: a result that was let down was paid for too).
/// </summary>
public readonly record struct TrackRecordCounts(
    int Accepted, int Stalled, int Declined, int Rejected, double PaceSum = 0, int Paced = 0, double CostUsd = 0)
{
    /// <summary>Attempts that tell something about the member: accepted or let down. Ended by someone else (revoked, reassigned) counts for nothing.</summary>
    public int Judged => Accepted + Stalled + Declined + Rejected;

    public static TrackRecordCounts operator +(TrackRecordCounts a, TrackRecordCounts b) => new(
        a.Accepted + b.Accepted, a.Stalled + b.Stalled, a.Declined + b.Declined, a.Rejected + b.Rejected, a.PaceSum + b.PaceSum, a.Paced + b.Paced,
        a.CostUsd + b.CostUsd);

    /// <summary>What ended attempts add: their outcome, their pace when accepted with one, and what they cost.</summary>
    public static TrackRecordCounts Of(AssignmentOutcome outcome, int count, double paceSum = 0, int paced = 0, double costUsd = 0) => outcome switch
    {
        AssignmentOutcome.Completed => new(count, 0, 0, 0, paceSum, paced, costUsd),
        AssignmentOutcome.Stalled => new(0, count, 0, 0, CostUsd: costUsd),
        AssignmentOutcome.Declined => new(0, 0, count, 0, CostUsd: costUsd),
        AssignmentOutcome.Rejected => new(0, 0, 0, count, CostUsd: costUsd),
        _ => default,
    };
}

/// <summary>
/// A member's standing in one area, as the score counts it (decision 0029): the share of accepted results and the pace, each
/// shrunk toward what is known beyond this member and area — the member's record in their other areas, itself shrunk toward
/// the group's — by <see cref="TrackRecords.PriorStrength"/> attempts' worth. A newcomer stands exactly where the group does:
/// neither favoured nor starved; each attempt moves them a little, many attempts a lot. <see cref="Economy"/> is what an
/// accepted result costs the group from this member against what it costs from the group as a whole, shrunk the same way:
/// 0.5 when alike (or when there is nothing to compare), toward 1 when cheaper.
/// </summary>
public readonly record struct Standing(
    double Reliability, double Pace, double GroupReliability, double GroupPace, TrackRecordCounts Counts, double Economy = Standing.EvenEconomy)
{
    /// <summary>The economy of a member who costs what the group does, or whose cost cannot be compared.</summary>
    public const double EvenEconomy = 0.5;

    /// <summary>The standing in [0, 1]: mostly whether the work was accepted, partly how fast.</summary>
    public double Value => (TrackRecords.ReliabilityShare * Reliability) + ((1 - TrackRecords.ReliabilityShare) * Pace);

    /// <summary>Where a newcomer stands: the group's own figures.</summary>
    public double GroupValue => (TrackRecords.ReliabilityShare * GroupReliability) + ((1 - TrackRecords.ReliabilityShare) * GroupPace);

    /// <summary>
    /// Above (positive) or below (negative) the group: what the score adds, times its weight. 0 for a newcomer. Cost counts for
    /// at most <see cref="TrackRecords.EconomyWeight"/> / 2 either way, so that it parts members who do equally well, not a
    /// cheap member who lets work down from a dear one who delivers.
    /// </summary>
    public double Lead => Value - GroupValue + (TrackRecords.EconomyWeight * (Economy - EvenEconomy));
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

    /// <summary>How much cost per accepted result moves a standing's lead: ±0.1 at the extremes, against reliability's ±0.8.</summary>
    public const double EconomyWeight = 0.2;

    public static readonly TrackRecords None = new([]);

    private readonly Dictionary<(Guid Member, string Area), TrackRecordCounts> _byArea;
    private readonly Dictionary<Guid, TrackRecordCounts> _byMember = [];
    private readonly TrackRecordCounts _group;
    private readonly double _groupReliability;
    private readonly double _groupPace;
    private readonly double? _groupCostPerResult;

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
        _groupCostPerResult = _group.Accepted > 0 && _group.CostUsd > 0 ? _group.CostUsd / _group.Accepted : null;
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
            _groupReliability, _groupPace, inArea, EconomyOf(overall, inArea, outside));
    }

    /// <summary>
    /// The group's cost per accepted result over the member's in the area (each shrunk as reliability is: the area toward the
    /// member's other work, that toward the group), mapped into (0, 1) with 0.5 for alike. Even when the group reports no cost,
    /// or the member has never reported any: a member who reports no usage is not cheap, only silent about it.
    /// </summary>
    private double EconomyOf(TrackRecordCounts overall, TrackRecordCounts inArea, TrackRecordCounts outside)
    {
        if (_groupCostPerResult is not { } group || overall.CostUsd <= 0)
        {
            return Standing.EvenEconomy;
        }

        var prior = Shrunk(outside.CostUsd, outside.Accepted, group, PriorStrength);
        var member = Shrunk(inArea.CostUsd, inArea.Accepted, prior, PriorStrength);
        return group / (group + member);
    }

    /// <summary>
    /// The posterior mean of a Beta prior with mean <paramref name="prior"/> weighing <paramref name="strength"/> observations,
    /// after <paramref name="successes"/> of <paramref name="trials"/> (successes may be fractional: a pace).
    /// </summary>
    public static double Shrunk(double successes, int trials, double prior, double strength)
        => (successes + (strength * prior)) / (trials + strength);

    /// <summary>
    /// The reason's words for a standing: "accepted 14 of 15 in Infrastructure", with ", $0.12 a result" when the member reported
    /// what that work cost; null when the member has no record there.
    /// </summary>
    public static string? Describe(TrackRecordCounts counts, string? areaName)
    {
        if (counts.Judged == 0)
        {
            return null;
        }

        var said = string.Create(CultureInfo.InvariantCulture, $"accepted {counts.Accepted} of {counts.Judged}");
        var where = string.IsNullOrWhiteSpace(areaName) ? said : $"{said} in {areaName.Trim()}";
        return counts.Accepted > 0 && counts.CostUsd > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{where}, ${counts.CostUsd / counts.Accepted:0.00##} a result")
            : where;
    }

    private static TrackRecordCounts Minus(TrackRecordCounts a, TrackRecordCounts b) => new(
        a.Accepted - b.Accepted, a.Stalled - b.Stalled, a.Declined - b.Declined, a.Rejected - b.Rejected, a.PaceSum - b.PaceSum, a.Paced - b.Paced,
        a.CostUsd - b.CostUsd);

    private sealed class AreaComparer : IEqualityComparer<(Guid Member, string Area)>
    {
        public static readonly AreaComparer Instance = new();

        public bool Equals((Guid Member, string Area) x, (Guid Member, string Area) y)
            => x.Member == y.Member && string.Equals(x.Area, y.Area, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((Guid Member, string Area) key)
            => HashCode.Combine(key.Member, StringComparer.OrdinalIgnoreCase.GetHashCode(key.Area));
    }
}
