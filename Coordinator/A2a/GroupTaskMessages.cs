using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Reads a client's message as a new work item: the first line of its text is the title, the whole text the description,
/// and data parts are kept in the description as JSON. A data part may name <c>requiredSkills</c> and <c>priority</c>
/// the way <c>POST …/work-items</c> takes them.
/// </summary>
public static class GroupTaskMessages
{
    public static CreateWorkItemRequest ToWorkItem(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = Text(message);
        var data = message.Parts.Where(p => p.Data is not null).Select(p => p.Data!.Value).ToList();
        var firstLine = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        var title = firstLine.Length > WorkItemLimits.MaxTitleLength ? firstLine[..(WorkItemLimits.MaxTitleLength - 1)] + "…" : firstLine;
        var description = string.Join("\n\n", new[] { text }.Concat(data.Select(d => d.GetRawText())).Where(s => s.Length > 0));
        var fields = data.FirstOrDefault(d => d.ValueKind == JsonValueKind.Object);
        return new CreateWorkItemRequest(
            title.Length > 0 ? title : null,
            description,
            StringsOf(fields, "requiredSkills"),
            fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty("priority", out var p) && p.TryGetInt32(out var priority) ? priority : null,
            DependsOn: null,
            ParentId: null);
    }

    /// <summary>The message's text parts, joined by blank lines.</summary>
    public static string Text(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return string.Join("\n\n", message.Parts.Where(p => !string.IsNullOrWhiteSpace(p.Text)).Select(p => p.Text!.Trim()));
    }

    private static List<string>? StringsOf(JsonElement owner, string name)
        => owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : null;
}
