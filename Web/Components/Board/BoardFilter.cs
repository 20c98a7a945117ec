using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>What the person narrowed the board to: free text, an assignee, a skill, a state.</summary>
public sealed record BoardFilter(string? Search = null, Guid? AssigneeId = null, bool UnassignedOnly = false, string? Skill = null, string? State = null)
{
    /// <summary>Finished columns show only the newest cards: a twelve-hour swarm finishes thousands.</summary>
    public const int FinishedCardLimit = 100;

    /// <summary>How many of the filters narrow the board (the assignee and "unassigned" are one).</summary>
    public int Active => (string.IsNullOrWhiteSpace(Search) ? 0 : 1) + (AssigneeId is not null || UnassignedOnly ? 1 : 0)
                         + (Skill is null ? 0 : 1) + (State is null ? 0 : 1);

    public bool Matches(WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return (string.IsNullOrWhiteSpace(Search)
                || item.Title.Contains(Search.Trim(), StringComparison.OrdinalIgnoreCase)
                || item.Description.Contains(Search.Trim(), StringComparison.OrdinalIgnoreCase))
               && (AssigneeId is null || item.Assignee?.Id == AssigneeId)
               && (!UnassignedOnly || item.Assignee is null)
               && (Skill is null || item.RequiredSkills.Contains(Skill, StringComparer.OrdinalIgnoreCase))
               && (State is null || item.State == State);
    }

    /// <summary>
    /// The cards to show, in board order: open work by priority then age; the Done column newest first and
    /// capped at <see cref="FinishedCardLimit"/>. Returns how many finished cards were left out.
    /// </summary>
    public (IReadOnlyList<WorkItemView> Cards, int HiddenFinished) Arrange(IEnumerable<WorkItemView> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var matching = items.Where(Matches).ToList();
        var open = matching.Where(i => BoardColumns.ColumnOf(i.State) != BoardColumns.Done)
            .OrderByDescending(i => i.Priority).ThenBy(i => i.CreatedAt);
        var finished = matching.Where(i => BoardColumns.ColumnOf(i.State) == BoardColumns.Done)
            .OrderByDescending(i => i.StateChangedAt).ToList();
        var shown = finished.Take(FinishedCardLimit);
        return (open.Concat(shown).ToList(), Math.Max(0, finished.Count - FinishedCardLimit));
    }
}
