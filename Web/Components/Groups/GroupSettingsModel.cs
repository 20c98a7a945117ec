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

    public bool RequirePlanApproval { get; set; }

    public int? MaxPlanItems { get; set; }

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
            RequirePlanApproval = settings?.RequirePlanApproval ?? false,
            MaxPlanItems = settings?.MaxPlanItems,
        };
    }

    /// <summary>Every field, so that an emptied number goes back to the default.</summary>
    public UpdateGroupSettingsRequest ToRequest() => new(
        Name, Description, RequireReview, new(MaxAttempts), new(HeartbeatTimeoutSeconds), new(ProgressTimeoutSeconds),
        new(StartGraceSeconds), new(OverrunFactor), RequirePlanApproval, new(MaxPlanItems));
}
