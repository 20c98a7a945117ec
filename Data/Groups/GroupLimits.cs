namespace ClawGroups.Data.Groups;

/// <summary>
/// How long a group's name and description may be: the API refuses more, the forms stop at it, and the columns hold
/// exactly this much (changing one needs a migration).
/// </summary>
public static class GroupLimits
{
    public const int MaxNameLength = 200;

    public const int MaxDescriptionLength = 4000;
}
