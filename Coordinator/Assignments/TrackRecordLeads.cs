using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Each candidate's track-record lead per skill of its card, worked out once per member rather than once per pair: a cold pass
/// scores a million pairs from a few hundred members with a few skills each.
/// </summary>
internal sealed class TrackRecordLeads
{
    private readonly double[][] _bySkill;
    private readonly double[] _overall;

    private TrackRecordLeads(double[][] bySkill, double[] overall) => (_bySkill, _overall) = (bySkill, overall);

    /// <summary>Null when no member has a record: every lead is 0 and the score is as it was without records.</summary>
    public static TrackRecordLeads? Of(IReadOnlyList<Agent> members, TrackRecords? records)
    {
        if (records is not { Any: true })
        {
            return null;
        }

        var bySkill = members.Select(m => m.Skills.Select(s => records.StandingOf(m.Id, s.SkillId).Lead).ToArray()).ToArray();
        var overall = members.Select(m => records.StandingOf(m.Id, area: null).Lead).ToArray();
        return new TrackRecordLeads(bySkill, overall);
    }

    /// <summary>The lead of member <paramref name="member"/> in its skill <paramref name="skill"/> (-1: no skill matched, the member's record over all areas).</summary>
    public double Of(int member, int skill) => skill >= 0 && skill < _bySkill[member].Length ? _bySkill[member][skill] : _overall[member];
}
