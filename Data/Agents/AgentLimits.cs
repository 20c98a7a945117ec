namespace ClawGroups.Data.Agents;

/// <summary>
/// How long the fields of an agent's card and heartbeat may be: registration refuses more, and the columns hold exactly
/// this much (changing one needs a migration).
/// </summary>
public static class AgentLimits
{
    public const int MaxNameLength = 200;

    public const int MaxDescriptionLength = 4000;

    public const int MaxVersionLength = 64;

    public const int MaxWebhookUrlLength = 2048;

    public const int MaxModelLength = 200;

    public const int MaxDeviceLength = 200;

    public const int MaxSkillIdLength = 200;

    public const int MaxSkillNameLength = 200;

    public const int MaxSkillDescriptionLength = 4000;

    /// <summary>The note an agent may send with its heartbeat.</summary>
    public const int MaxHeartbeatNoteLength = 1000;
}
