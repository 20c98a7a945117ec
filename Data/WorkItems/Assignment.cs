using ClawGroups.Data.Database;

namespace ClawGroups.Data.WorkItems;

/// <summary>
/// One attempt of one member at one work item: why it was made (score and reason), its lease, and how it
/// ended. The history the model learns from.
/// </summary>
public class Assignment : IVersioned, IHasUsage
{
    public Guid Id { get; set; }

    public Guid WorkItemId { get; set; }

    public WorkItem? WorkItem { get; set; }

    public Guid GroupId { get; set; }

    public MemberKind MemberKind { get; set; }

    public Guid? AgentId { get; set; }

    public Guid? UserId { get; set; }

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; set; }

    /// <summary>What the assignment is for: doing the work, or reviewing another member's result.</summary>
    public AssignmentRole Role { get; set; }

    public double Score { get; set; }

    /// <summary>
    /// The person who gave the item to this member (a reassignment, or a pick among a held item's candidates); null when the
    /// coordinator chose. A person's choice teaches the group's skill model, as finished work does.
    /// </summary>
    public Guid? ChosenByUserId { get; set; }

    /// <summary>Human-readable, e.g. "restarting pods → Infrastructure (Kubernetes); fit 0.83, next best 0.61; load 1/2".</summary>
    public string Reason { get; set; } = "";

    /// <summary>
    /// The coordinator's best candidates for this offer, by score, the chosen one among them (JSON, as the item's view shows
    /// them); null for attempts a person chose or that came before candidates were kept.
    /// </summary>
    public string? CandidatesJson { get; set; }

    public DateTimeOffset OfferedAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? LastProgressAt { get; set; }

    /// <summary>When the coordinator last asked a slow assignee whether it is still working.</summary>
    public DateTimeOffset? PingedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public AssignmentOutcome Outcome { get; set; }

    public StallReason? StallReason { get; set; }

    /// <summary>Usage reported for this attempt (cumulative, as agents report it).</summary>
    public Usage Usage { get; } = new();

    public long UsageInputTokens { get => Usage.InputTokens; set => Usage.InputTokens = value; }

    public long UsageOutputTokens { get => Usage.OutputTokens; set => Usage.OutputTokens = value; }

    public decimal UsageCostUsd { get => Usage.CostUsd; set => Usage.CostUsd = value; }

    /// <summary>A result that arrived after the lease was revoked: kept for the humans to accept or discard.</summary>
    public string? LateResultJson { get; set; }

    /// <summary>Reviewer feedback when a result was rejected, passed to the next assignee.</summary>
    public string? Feedback { get; set; }

    /// <summary>
    /// The attempt ended with the item sent on to another member: a rejection, a hand-back, a decline or a reassignment
    /// whose feedback or note did not ask for this member again. The coordinator offers the item to other members first
    /// (decision 0024), and the group's tuning reads it as "this member does not fit this item".
    /// </summary>
    public bool SteeredAway { get; set; }

    /// <summary>The A2A task that carries this attempt at an A2A agent (its id as the agent chose it); null for other agents.</summary>
    public string? A2aTaskId { get; set; }

    public string? A2aContextId { get; set; }

    /// <summary>SHA-256 of the token the agent's push notifications for this task must carry; the token itself is never kept.</summary>
    public string? A2aPushTokenHash { get; set; }

    /// <summary>What the last task update applied looked like (state, status time, artifacts), so a repeat is not news.</summary>
    public string? A2aLastUpdate { get; set; }

    /// <summary>
    /// The member's skill the coordinator matched the item to (its id on the member's card): the area a track record is kept
    /// in. Null when a person chose the member, or before areas were kept.
    /// </summary>
    public string? SkillArea { get; set; }

    /// <summary>
    /// For a completed attempt with the model's estimate of its duration: the estimate over the time taken, at most 1 (on time
    /// or faster is 1). Null otherwise. Kept so a track record's speed is summed in the database, not recomputed from times.
    /// </summary>
    public double? Pace { get; set; }

    public long Version { get; set; }
}

public enum AssignmentRole
{
    Work = 0,
    Review = 1,
}

public enum AssignmentOutcome
{
    Active = 0,
    Completed = 1,
    Stalled = 2,
    Revoked = 3,
    TakenOver = 4,
    Failed = 5,
    Rejected = 6,
    Declined = 7,
    Reassigned = 8,
    Cancelled = 9,
    HandedBack = 10,

    /// <summary>An offer its agent never accepted, moved on because the agent signed off.</summary>
    SignedOff = 11,
}

/// <summary>Why the coordinator judged an attempt stalled; shown on the board and kept in the trail.</summary>
public enum StallReason
{
    AgentSilent = 0,
    NoProgress = 1,
    OverExpectedDuration = 2,
    WebhookUnreachable = 3,
    Declined = 4,

    /// <summary>Progress reports kept arriving, repeating the same fraction and message for longer than the progress timeout.</summary>
    ProgressRepeated = 5,
}
