using ClawGroups.Data.Database;

namespace ClawGroups.Data.Groups;

/// <summary>
/// A group's fine-tuned heads (affinity embedding and expected duration) for the skill model (safetensors bytes, ~66 KB), learned from the group's
/// finished assignments by the coordinator's feedback job, with what tuning measured. One row per group: a newer
/// tuning replaces the older one, and nodes reload when <see cref="TunedAt"/> changes.
/// </summary>
public class GroupSkillTuning : IVersioned
{
    public Guid GroupId { get; set; }

    /// <summary>Null until a tuning passes its checks: a group can be tuned on and still have no head.</summary>
    public byte[]? Head { get; set; }

    public DateTimeOffset TunedAt { get; set; }

    /// <summary>
    /// The newest label the tuning saw (an attempt's end, an acceptance, or a person's pick: when an assignment began to teach
    /// something): the next run waits for one after it. Named when only ends taught.
    /// </summary>
    public DateTimeOffset ThroughEndedAt { get; set; }

    public int Examples { get; set; }

    public int Members { get; set; }

    /// <summary>Routing accuracy@1 of the group's accepted work among its members, before and after tuning.</summary>
    public double GroupAccuracyBefore { get; set; }

    public double GroupAccuracyAfter { get; set; }

    /// <summary>Routing accuracy@1 on the corpus held-out split (the base skills), before and after tuning.</summary>
    public double BaseAccuracyBefore { get; set; }

    public double BaseAccuracyAfter { get; set; }

    /// <summary>Median |ln(estimated / actual duration)| of the group's accepted work, before and after; null when none was timed.</summary>
    public double? DurationErrorBefore { get; set; }

    public double? DurationErrorAfter { get; set; }

    /// <summary>Two runs for one group on two workers: the second to save loses instead of overwriting.</summary>
    public long Version { get; set; }
}
