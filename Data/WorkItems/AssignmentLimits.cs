namespace ClawGroups.Data.WorkItems;

/// <summary>How much of what an agent chose the columns of an attempt hold (changing one needs a migration).</summary>
public static class AssignmentLimits
{
    /// <summary>An A2A task or context id as the agent made it: the server refuses to track longer ones.</summary>
    public const int MaxA2aIdLength = 256;
}
