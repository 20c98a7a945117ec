using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tuning;

/// <summary>
/// One finished assignment of a group, as the model learns from it: the item, the profile of the member who had it,
/// whether that member's work was accepted (done) or not (rejected, stalled, failed, declined), and, for accepted work,
/// how long it took from acceptance to result when known.
/// </summary>
public sealed record TuningExample(WorkItemText Item, SkillProfile Profile, bool Succeeded, double? DurationSeconds = null);
