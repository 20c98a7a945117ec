using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.AgentSimulator.Api;

public sealed record CreateGroup(string Name, string? Description = null, bool? RequireReview = null);

public sealed record Group
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public bool? RequireReview { get; init; }
    public IReadOnlyList<GroupMember> Members { get; init; } = [];

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>A human or an agent in a group, with its status (online, busy, stalled, …).</summary>
public sealed record GroupMember
{
    public string? Id { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Status { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record CreateJoinToken(int? ExpiresInMinutes = null, int? MaxUses = null);

public sealed record JoinToken(string Token, DateTimeOffset? ExpiresAt);

public sealed record CreateWorkItem(
    string Title,
    string? Description = null,
    IReadOnlyList<string>? RequiredSkills = null,
    int? Priority = null,
    IReadOnlyList<string>? DependsOn = null,
    string? ParentId = null,
    string? Kind = null);

/// <summary>The work item states as the API writes them.</summary>
public static class WorkItemStates
{
    public const string Backlog = "backlog";
    public const string Ready = "ready";
    public const string Assigned = "assigned";
    public const string InProgress = "inProgress";
    public const string InReview = "inReview";
    public const string Done = "done";
    public const string Stalled = "stalled";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public sealed record WorkItem
{
    public required string Id { get; init; }
    public string? GroupId { get; init; }
    public string? ParentId { get; init; }
    public string? Kind { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? State { get; init; }
    public Assignee? Assignee { get; init; }
    public int Attempts { get; init; }
    public WorkProgress? Progress { get; init; }
    public JsonElement? Result { get; init; }
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public IReadOnlyList<string> RequiredSkills { get; init; } = [];
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public IReadOnlyList<AssignmentRecord> Assignments { get; init; } = [];

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record Assignee(string Kind, string Id, string? Name);

public sealed record WorkProgress(double? Fraction, string? Message);

/// <summary>One entry of a work item's assignment history.</summary>
public sealed record AssignmentRecord
{
    public string? MemberId { get; init; }
    public double? Score { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Outcome { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record WorkItemEvent(DateTimeOffset At, EventActor? Actor, string Type, JsonElement? Data);

public sealed record EventActor(string Kind, string? Id);

public sealed record Handback(string? Note);

public sealed record Reassign(string MemberId);

public sealed record Review(bool Approve, string? Feedback = null);

public sealed record WorkMessage(string Text);

public sealed record Complete(string Summary);
