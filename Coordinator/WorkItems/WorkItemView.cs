namespace ClawGroups.Coordinator.WorkItems;

/// <summary>A work item as the API, the webhooks and the board show it (docs/API.md, "Work items").</summary>
public sealed record WorkItemView(
    Guid Id,
    Guid GroupId,
    Guid? ParentId,
    string Title,
    string Description,
    IReadOnlyList<string> RequiredSkills,
    int Priority,
    string State,
    MemberRef? Assignee,
    int Attempts,
    ProgressView Progress,
    ResultView? Result,
    IReadOnlyList<Guid> DependsOn,
    bool Paused,
    double? ExpectedDurationSeconds,
    UsageView Usage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset StateChangedAt,
    IReadOnlyList<AssignmentView> Assignments,
    RoutingView? Routing = null,
    QuestionView? Question = null,
    string? PausedReason = null,
    string? AssigneeKind = null,
    string Kind = WorkItemKinds.Task,
    bool Dropped = false,
    bool PlanAwaitsApproval = false);

/// <summary>
/// (Added.) The assignee's open question while the item waits for a person's answer (an A2A task in input-required); the
/// next message a person posts on the item is the answer, sent back to the agent on the same task. Null otherwise.
/// </summary>
public sealed record QuestionView(string Text, DateTimeOffset AskedAt);

/// <summary>
/// Whether the item waits for a person to route it (the members who could take it fit almost equally well), how sure the
/// model was (the margin between the best and second-best affinity) and its best candidates, best first; null while the
/// coordinator routes the item itself.
/// </summary>
public sealed record RoutingView(bool NeedsPerson, double Confidence, IReadOnlyList<RoutingCandidateView> Candidates);

/// <summary>
/// A member who could take an item, with the model's affinity and the reason, as an offer's reason reads: one a person may give
/// a held item to, or one the coordinator weighed for an offer — then with the pass's score and whether it was the one chosen.
/// </summary>
public sealed record RoutingCandidateView(Guid MemberId, string Kind, string Name, double Affinity, string Reason, double? Score = null, bool Chosen = false);

/// <summary>A member as other views refer to it: <c>{ kind: "agent"|"human", id, name }</c>.</summary>
public sealed record MemberRef(string Kind, Guid Id, string Name);

public sealed record ProgressView(double Fraction, string? Message, DateTimeOffset? At);

public sealed record ResultView(string? Summary, IReadOnlyList<ArtifactView> Artifacts);

public sealed record ArtifactView(Guid Id, string Name, string MediaType, string Content, long SizeBytes, DateTimeOffset CreatedAt, Guid? AssignmentId);

public sealed record UsageView(long InputTokens, long OutputTokens, decimal CostUsd);

/// <summary>
/// One attempt: who, why (score and reason, and for the coordinator's offers the best candidates it weighed, by score), when,
/// and how it ended.
/// </summary>
public sealed record AssignmentView(
    Guid Id,
    Guid? MemberId,
    string MemberKind,
    string? MemberName,
    string Role,
    int Attempt,
    double Score,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt,
    string Outcome,
    string? StallReason,
    string? Feedback,
    bool HasLateResult,
    UsageView Usage,
    IReadOnlyList<RoutingCandidateView>? Candidates = null);
