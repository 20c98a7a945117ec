namespace ClawGroups.Data.Groups;

/// <summary>
/// How long a group's name and description may be: the API refuses more, the forms stop at it, and the columns hold
/// exactly this much (changing one needs a migration).
/// </summary>
public static class GroupLimits
{
    public const int MaxNameLength = 200;

    public const int MaxDescriptionLength = 4000;

    /// <summary>How many sub-items a plan may have where a group sets nothing.</summary>
    public const int DefaultMaxPlanItems = 50;

    /// <summary>The most a group may allow one plan: each sub-item is an item the board and the coordinator carry.</summary>
    public const int MaxPlanItemsLimit = 500;

    /// <summary>How many skill ids or tags each routing preference (people for, agents for) may list.</summary>
    public const int MaxRoutingPreferences = 50;
}
