using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Data.Groups;

/// <summary>A shared operations space: humans and agents working on one set of work items.</summary>
public class Group
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>When set, an accepted result goes to review before the item is done.</summary>
    public bool RequireReview { get; set; } = true;

    /// <summary>Per-group overrides of the coordinator's thresholds; null values fall back to configuration.</summary>
    public StallThresholds Thresholds { get; set; } = new();

    /// <summary>How many attempts an item gets before it fails and is escalated; null uses configuration.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// When set, the group answers as one A2A agent: its card is public and members may delegate work to it over A2A
    /// (docs/API.md, "A2A"). Off by default: a group is not announced to the outside unless its owners say so.
    /// </summary>
    public bool A2aEnabled { get; set; }

    /// <summary>What the group's agents may spend per month, per agent per day and per item; null values: no limit.</summary>
    public GroupBudgets Budgets { get; set; } = new();

    /// <summary>When set, a planner's plan for a goal waits for a person to approve it before its sub-items are created.</summary>
    public bool RequirePlanApproval { get; set; }

    /// <summary>How many sub-items one plan may have; null uses <see cref="GroupLimits.DefaultMaxPlanItems"/>.</summary>
    public int? MaxPlanItems { get; set; }

    /// <summary>
    /// Skill ids or tags whose work the group would rather give a person: a present person who fits gets a bonus in the
    /// assignment score (decision 0031). A preference, not a rule: with no person present the agents still get the work.
    /// </summary>
    public List<string> PreferPeopleFor { get; set; } = [];

    /// <summary>Skill ids or tags whose work the group would rather give an agent; as <see cref="PreferPeopleFor"/>, the other way.</summary>
    public List<string> PreferAgentsFor { get; set; } = [];

    public Guid? CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }

    public List<GroupMember> Members { get; } = [];

    public List<Agent> Agents { get; } = [];

    public List<WorkItem> WorkItems { get; } = [];
}
