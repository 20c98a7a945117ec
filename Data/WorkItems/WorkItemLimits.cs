namespace ClawGroups.Data.WorkItems;

/// <summary>
/// How much people and agents may write into a work item. The API refuses more, the dialogs stop at it, and where a
/// column holds the text its maximum length is the same constant — so changing one of those is a schema change and needs
/// a migration. They live here, below the coordinator, because the EF configuration must see them too.
/// </summary>
public static class WorkItemLimits
{
    public const int MaxTitleLength = 500;

    public const int MaxDescriptionLength = 20_000;

    public const int MaxRequiredSkills = 50;

    /// <summary>One required skill id or tag.</summary>
    public const int MaxSkillLength = 200;

    /// <summary>Priority runs from minus this to this.</summary>
    public const int MaxPriority = 1000;

    /// <summary>An agent's result or a person's completion.</summary>
    public const int MaxSummaryLength = 20_000;

    /// <summary>The message of a progress report, kept on the item.</summary>
    public const int MaxProgressMessageLength = 4000;

    /// <summary>What a person writes on an item in passing: a message to its agent, review feedback, a hand-back note.</summary>
    public const int MaxNoteLength = 4000;

    /// <summary>
    /// The notes an item keeps for routing (<see cref="WorkItem.RoutingNotes"/>): two full notes; older ones are dropped first.
    /// </summary>
    public const int MaxRoutingNotesLength = 2 * MaxNoteLength;

    /// <summary>Why an agent declined its offer.</summary>
    public const int MaxDeclineReasonLength = 2000;

    public const int MaxArtifactNameLength = 500;

    public const int MaxArtifactMediaTypeLength = 200;
}
