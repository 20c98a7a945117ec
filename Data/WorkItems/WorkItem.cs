using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;

namespace ClawGroups.Data.WorkItems;

/// <summary>A unit of work in a group: a goal or one of its sub-items, carried from backlog to done.</summary>
public class WorkItem : IVersioned, IHasUsage
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    public Group? Group { get; set; }

    /// <summary>The item this one is a sub-item of, when a goal was split.</summary>
    public Guid? ParentId { get; set; }

    /// <summary>A task, a goal that a planner splits, or the consolidation of a goal's sub-items.</summary>
    public WorkItemKind Kind { get; set; }

    /// <summary>
    /// A goal's plan while it waits for a person's approval (JSON: the plan's items with their keys), or null. Approved, it
    /// becomes sub-items and is cleared; sent back, it is cleared and the feedback goes with the goal to its next planner.
    /// </summary>
    public string? PendingPlanJson { get; set; }

    /// <summary>When the goal's people dropped this failed or cancelled sub-item: the goal is consolidated without it.</summary>
    public DateTimeOffset? DroppedAt { get; set; }

    public string Title { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>Skill ids or tags that an assignee must have; hard constraints for the coordinator.</summary>
    public List<string> RequiredSkills { get; set; } = [];

    /// <summary>Higher runs first.</summary>
    public int Priority { get; set; }

    public WorkItemState State { get; set; }

    public DateTimeOffset StateChangedAt { get; set; }

    public MemberKind? AssigneeKind { get; set; }

    /// <summary>The kind of member the item asks for (a person or an agent); null: whoever fits best.</summary>
    public MemberKind? AskedAssigneeKind { get; set; }

    public Guid? AssigneeAgentId { get; set; }

    public Guid? AssigneeUserId { get; set; }

    /// <summary>The open attempt, if any.</summary>
    public Guid? CurrentAssignmentId { get; set; }

    public int Attempts { get; set; }

    public double ProgressFraction { get; set; }

    public string? ProgressMessage { get; set; }

    public DateTimeOffset? ProgressAt { get; set; }

    public string? ResultSummary { get; set; }

    /// <summary>The model's expected duration for this item, used to notice runs far past it.</summary>
    public double? ExpectedDurationSeconds { get; set; }

    /// <summary>
    /// The skill model's reading of the item's text (float32 values, little-endian), made when the text was written so
    /// that assignment passes only compare vectors. Null until read, or while the served model reads text afresh each time.
    /// </summary>
    public byte[]? ReadingVector { get; set; }

    /// <summary>The version of the model that made <see cref="ReadingVector"/>: a reading of another version is read again.</summary>
    public string? ReadingVersion { get; set; }

    /// <summary>
    /// What people and agents said when they sent the item on (rejection feedback, hand-back and reassignment notes, decline
    /// reasons), newest first: read with the item's text when it is routed again, so "front-end please" steers the next offer.
    /// </summary>
    public string? RoutingNotes { get; set; }

    /// <summary>
    /// When the coordinator held the item for a person to route: the members who could take it fit it almost equally well,
    /// so it is not offered blindly. Null while the coordinator routes it itself.
    /// </summary>
    public DateTimeOffset? RoutingHeldAt { get; set; }

    /// <summary>How sure the model was when the item was held: the margin between its best and second-best candidate's affinity.</summary>
    public double? RoutingConfidence { get; set; }

    /// <summary>The best candidates when the item was held (at most three, best first) as JSON: member, affinity and reason.</summary>
    public string? RoutingCandidatesJson { get; set; }

    /// <summary>Set while a human has paused the item: it keeps its assignee and is never counted as stalled.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>
    /// Set while the item waits for a person's answer to its assignee's question (an A2A task in <c>input-required</c>): it
    /// keeps its assignee, is never counted as stalled, and the next message a person posts on it is the answer.
    /// </summary>
    public DateTimeOffset? QuestionAskedAt { get; set; }

    /// <summary>The question the assignee asked, while <see cref="QuestionAskedAt"/> is set.</summary>
    public string? Question { get; set; }

    /// <summary>Why the item is paused: null when a person paused it, <c>budget</c> when a budget stopped it.</summary>
    public string? PausedReason { get; set; }

    /// <summary>
    /// When a person last gave the item a fresh start (a retry): the ping-pong breaker counts the bounces after it only.
    /// </summary>
    public DateTimeOffset? BouncesClearedAt { get; set; }

    /// <summary>Usage summed over every attempt.</summary>
    public Usage Usage { get; } = new();

    public long UsageInputTokens { get => Usage.InputTokens; set => Usage.InputTokens = value; }

    public long UsageOutputTokens { get => Usage.OutputTokens; set => Usage.OutputTokens = value; }

    public decimal UsageCostUsd { get => Usage.CostUsd; set => Usage.CostUsd = value; }

    public MemberKind CreatedByKind { get; set; }

    public Guid? CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }

    public List<WorkItemDependency> DependsOn { get; } = [];

    public List<Assignment> Assignments { get; } = [];

    public List<Artifact> Artifacts { get; } = [];
}
