namespace ClawGroups.Data.Agents;

/// <summary>
/// One skill of an agent's profile: the A2A <c>AgentSkill</c> fields plus a self-declared level in [0, 1].
/// Kept as rows (not only inside the card) so the coordinator can query agents by skill.
/// </summary>
public class AgentSkill
{
    public Guid AgentId { get; set; }

    /// <summary>The skill's id within the card (A2A <c>AgentSkill.id</c>).</summary>
    public string SkillId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public List<string> Tags { get; set; } = [];

    public List<string> Examples { get; set; } = [];

    public double Level { get; set; } = 0.5;
}
