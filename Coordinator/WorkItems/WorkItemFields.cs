using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>What a person may write into a work item, checked and tidied alike when it is created and when it is edited.</summary>
internal static class WorkItemFields
{
    /// <summary>Adds an error for each field out of bounds; <paramref name="title"/> is the trimmed title the item will have.</summary>
    public static void Check(string? title, string? description, IReadOnlyList<string>? requiredSkills, int? priority, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(title) || title.Length > WorkItemLimits.MaxTitleLength)
        {
            errors["title"] = [$"title is required and at most {WorkItemLimits.MaxTitleLength} characters long."];
        }

        if (description is { Length: > WorkItemLimits.MaxDescriptionLength })
        {
            errors["description"] = [$"description is at most {WorkItemLimits.MaxDescriptionLength} characters long."];
        }

        if (requiredSkills is { } skills && (skills.Count > WorkItemLimits.MaxRequiredSkills || skills.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > WorkItemLimits.MaxSkillLength)))
        {
            errors["requiredSkills"] = [$"requiredSkills is a list of at most {WorkItemLimits.MaxRequiredSkills} non-empty skill ids or tags."];
        }

        if (priority is < -WorkItemLimits.MaxPriority or > WorkItemLimits.MaxPriority)
        {
            errors["priority"] = [$"priority must be from -{WorkItemLimits.MaxPriority} to {WorkItemLimits.MaxPriority}."];
        }
    }

    public static List<string> Skills(IReadOnlyList<string> requiredSkills) => requiredSkills.Select(s => s.Trim()).Distinct().ToList();
}
