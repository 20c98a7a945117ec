using ClawGroups.Coordinator.Groups;

namespace ClawGroups.Web.Components.Groups;

/// <summary>The settings form's values; an empty number means "use the configured default".</summary>
public sealed class GroupSettingsModel
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public bool RequireReview { get; set; } = true;

    public int? MaxAttempts { get; set; }

    public int? HeartbeatTimeoutSeconds { get; set; }

    public int? ProgressTimeoutSeconds { get; set; }

    public int? StartGraceSeconds { get; set; }

    public double? OverrunFactor { get; set; }

    public bool A2aEnabled { get; set; }

    /// <summary>The group's budgets; an empty one is no limit (decision 0028).</summary>
    public BudgetsModel Budgets { get; set; } = new();

    public bool RequirePlanApproval { get; set; }

    public int? MaxPlanItems { get; set; }

    /// <summary>The skill ids or tags the group would rather give people, comma-separated as typed (decision 0031).</summary>
    public string PreferPeopleFor { get; set; } = "";

    /// <summary>The skill ids or tags the group would rather give agents, comma-separated as typed.</summary>
    public string PreferAgentsFor { get; set; } = "";

    public static GroupSettingsModel From(GroupView group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var settings = group.Settings;
        return new GroupSettingsModel
        {
            Name = group.Name,
            Description = group.Description,
            RequireReview = group.RequireReview,
            MaxAttempts = settings?.MaxAttempts,
            HeartbeatTimeoutSeconds = settings?.HeartbeatTimeoutSeconds,
            ProgressTimeoutSeconds = settings?.ProgressTimeoutSeconds,
            StartGraceSeconds = settings?.StartGraceSeconds,
            OverrunFactor = settings?.OverrunFactor,
            A2aEnabled = group.A2aEnabled,
            Budgets = BudgetsModel.From(settings?.Budgets),
            RequirePlanApproval = settings?.RequirePlanApproval ?? false,
            MaxPlanItems = settings?.MaxPlanItems,
            PreferPeopleFor = string.Join(", ", settings?.PreferPeopleFor ?? []),
            PreferAgentsFor = string.Join(", ", settings?.PreferAgentsFor ?? []),
        };
    }

    /// <summary>Every field, so that an emptied number goes back to the default.</summary>
    public UpdateGroupSettingsRequest ToRequest() => new(
        Name, Description, RequireReview, new(MaxAttempts), new(HeartbeatTimeoutSeconds), new(ProgressTimeoutSeconds),
        new(StartGraceSeconds), new(OverrunFactor), A2aEnabled: A2aEnabled, Budgets: Budgets.ToPatch(),
        RequirePlanApproval: RequirePlanApproval, MaxPlanItems: new(MaxPlanItems),
        PreferPeopleFor: SkillList(PreferPeopleFor), PreferAgentsFor: SkillList(PreferAgentsFor));

    /// <summary>A typed list: split at commas, blanks between them left out; empty clears the preference.</summary>
    private static List<string> SkillList(string typed)
        => typed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
