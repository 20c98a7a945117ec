namespace ClawGroups.Coordinator.WorkItems;

/// <summary>What a person may write into a work item, checked and tidied alike when it is created and when it is edited.</summary>
internal static class WorkItemFields
{
    /// <summary>Adds an error for each field out of bounds; <paramref name="title"/> is the trimmed title the item will have.</summary>
    public static void Check(string? title, string? description, IReadOnlyList<string>? requiredSkills, int? priority, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(title) || title.Length > 500)
        {
            errors["title"] = ["title is required and at most 500 characters long."];
        }

        if (description is { Length: > 20_000 })
        {
            errors["description"] = ["description is at most 20000 characters long."];
        }

        if (requiredSkills is { } skills && (skills.Count > 50 || skills.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 200)))
        {
            errors["requiredSkills"] = ["requiredSkills is a list of at most 50 non-empty skill ids or tags."];
        }

        if (priority is < -1000 or > 1000)
        {
            errors["priority"] = ["priority must be from -1000 to 1000."];
        }
    }

    public static List<string> Skills(IReadOnlyList<string> requiredSkills) => requiredSkills.Select(s => s.Trim()).Distinct().ToList();
}
