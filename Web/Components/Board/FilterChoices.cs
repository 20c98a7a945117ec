using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// What the board's assignee and skill filters offer for the words typed so far. The lists are searched, not listed whole:
/// a group of 3,000 agents would otherwise put 3,000 options in every open board (decision 0033).
/// </summary>
public static class FilterChoices
{
    /// <summary>The assignee choice for items nobody holds.</summary>
    public const string Unassigned = "none";

    /// <summary>How many choices a filter shows at once; typing narrows them.</summary>
    public const int Shown = 50;

    private const string UnassignedText = "Unassigned";

    /// <summary>"Unassigned" and the members whose name holds <paramref name="text"/>, by name; each choice is a member's id.</summary>
    public static IReadOnlyList<string> Assignees(IEnumerable<MemberView> members, string? text)
    {
        ArgumentNullException.ThrowIfNull(members);
        var wanted = text?.Trim() ?? "";
        IEnumerable<string> unassigned = UnassignedText.Contains(wanted, StringComparison.OrdinalIgnoreCase) ? [Unassigned] : [];
        var named = members.Where(member => member.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase))
            .OrderBy(member => member.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(member => member.Id.ToString());
        return [.. unassigned.Concat(named).Take(Shown)];
    }

    /// <summary>How an assignee choice reads: "Unassigned", or the member's name and kind.</summary>
    public static string? AssigneeText(string? choice, Func<Guid, MemberView?> memberOf)
    {
        ArgumentNullException.ThrowIfNull(memberOf);
        return choice switch
        {
            null => null,
            Unassigned => UnassignedText,
            _ when Guid.TryParse(choice, out var id) && memberOf(id) is { } member => $"{member.Name} ({member.Kind})",
            _ => "a member who left",
        };
    }

    /// <summary>The board narrowed to an assignee choice; no choice (cleared) lifts the narrowing.</summary>
    public static BoardFilter WithAssignee(BoardFilter filter, string? choice)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter with
        {
            UnassignedOnly = choice == Unassigned,
            AssigneeId = Guid.TryParse(choice, out var id) ? id : null,
        };
    }

    /// <summary>The chosen assignee as a choice, the inverse of <see cref="WithAssignee"/>.</summary>
    public static string? AssigneeOf(BoardFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.UnassignedOnly ? Unassigned : filter.AssigneeId?.ToString();
    }

    /// <summary>The skills the board's items ask for that hold <paramref name="text"/>, each once whatever its case, in order.</summary>
    public static IReadOnlyList<string> Skills(IEnumerable<WorkItemView> items, string? text)
    {
        ArgumentNullException.ThrowIfNull(items);
        var wanted = text?.Trim() ?? "";
        return [.. items.SelectMany(item => item.RequiredSkills)
            .Where(skill => skill.Contains(wanted, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Take(Shown)];
    }
}
