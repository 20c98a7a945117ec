namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// A new item; <paramref name="AssigneeKind"/> ("human" or "agent") asks for that kind of member, null: whoever fits best.
/// <paramref name="Kind"/> (added) is <c>task</c> (the default) or <c>goal</c>, which a planner splits.
/// </summary>
public sealed record CreateWorkItemRequest(
    string? Title, string? Description, IReadOnlyList<string>? RequiredSkills, int? Priority, IReadOnlyList<Guid>? DependsOn, Guid? ParentId,
    string? AssigneeKind = null, string? Kind = null);

/// <summary>What a person changes in an item; a field left out (null) stays as it is.</summary>
public sealed record EditWorkItemRequest(string? Title, string? Description, IReadOnlyList<string>? RequiredSkills, int? Priority);

/// <summary>
/// A hand-back. The note says (optionally) for whom or what is missing; <paramref name="SameMember"/> (added) true lets the
/// member it was taken from be offered it again, false never; left out, the note decides (decision 0024).
/// </summary>
public sealed record HandBackRequest(string? Note, bool? SameMember = null);

/// <summary>A reassignment; the note (added) says what was missing and is read with the item's text when it is routed again.</summary>
public sealed record ReassignRequest(Guid? MemberId, string? Note = null);

/// <summary>A review; on a rejection <paramref name="SameMember"/> (added) decides as on a hand-back.</summary>
public sealed record ReviewRequest(bool? Approve, string? Feedback, bool? SameMember = null);

public sealed record MessageRequest(string? Text);

public sealed record CompleteRequest(string? Summary);

/// <summary>
/// One entry of the audit trail: <c>at, actor { kind, id }, type, data</c>, and (added) the work item and agent it
/// concerns, so that a live client can tell which card an event belongs to.
/// </summary>
public sealed record TrailEventView(
    long Id, DateTimeOffset At, ActorView Actor, string Type, System.Text.Json.JsonElement Data, Guid? WorkItemId = null, Guid? AgentId = null);

public sealed record ActorView(string Kind, Guid? Id);

/// <summary>A group's board: open items, the newest finished ones, and how many older finished ones were left out.</summary>
public sealed record BoardView(IReadOnlyList<WorkItemView> Items, int HiddenFinished);
