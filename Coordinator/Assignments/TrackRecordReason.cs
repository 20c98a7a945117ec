using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>The track record a reason names: the member's in the skill the model matched, else over all their work.</summary>
public static class TrackRecordReason
{
    /// <summary>"accepted 14 of 15 in Infrastructure", "accepted 3 of 4" (no skill matched), or null (no record to state).</summary>
    public static string? For(TrackRecords records, Agent member, int bestSkill)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(member);
        if (bestSkill >= 0 && bestSkill < member.Skills.Count)
        {
            var skill = member.Skills[bestSkill];
            return TrackRecords.Describe(records.Of(member.Id, skill.SkillId), string.IsNullOrWhiteSpace(skill.Name) ? skill.SkillId : skill.Name);
        }

        return TrackRecords.Describe(records.Of(member.Id), areaName: null);
    }
}
