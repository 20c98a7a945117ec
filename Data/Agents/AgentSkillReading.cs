namespace ClawGroups.Data.Agents;

/// <summary>
/// What the skill model made of one skill of an agent's card, kept when the agent registers so that a pass on any node, and
/// after any restart, finds the card read instead of running the encoder over it (a cold pass over 300 new cards spent most
/// of its time there). In a table of its own, not on the skill's row: ~1 KB a skill, which every read of a roster or of a
/// pass's members would otherwise carry; a pass reads it only for cards its model has not read yet. A card does not change
/// after registration, so a row is good until the served model's version changes (<see cref="ReadingVersion"/>).
/// </summary>
public sealed class AgentSkillReading
{
    public Guid AgentId { get; set; }

    /// <summary>The skill's id within the card (<see cref="AgentSkill.SkillId"/>).</summary>
    public string SkillId { get; set; } = string.Empty;

    /// <summary>The version of the model that read the skill: a reading of another version is read again.</summary>
    public string ReadingVersion { get; set; } = string.Empty;

    /// <summary>The reading, float32 values little-endian whatever the machine.</summary>
    public byte[] ReadingVector { get; set; } = [];
}
