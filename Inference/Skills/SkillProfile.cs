using System.Text.Json.Serialization;

namespace ClawGroups.Inference.Skills;

/// <summary>What the skill model reads of a member: an agent's card or a human's declared skills.</summary>
public sealed record SkillProfile(string MemberId, string Name, string Description, IReadOnlyList<SkillEntry> Skills);

/// <summary>
/// One skill of a profile (the A2A <c>AgentSkill</c> fields plus a level in [0, 1]), and what the model made of it when it last
/// read it, if that is kept (<see cref="ISkillModel.ReadProfiles"/>).
/// </summary>
public sealed record SkillEntry(
    string Id, string Name, string Description, IReadOnlyList<string> Tags, IReadOnlyList<string> Examples, double Level,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ItemReading? Reading = null);

/// <summary>What the skill model reads of a work item, and what it made of the text when it last read it, if that is kept.</summary>
public sealed record WorkItemText(string Id, string Title, string Description, IReadOnlyList<string> RequiredSkills, ItemReading? Reading = null);
