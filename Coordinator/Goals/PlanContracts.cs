using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// A planner's answer to a goal (<c>POST /work-items/{id}/plan</c>), and a person's edit of it on approval: the sub-items,
/// each under a key of the plan's own that <see cref="PlanItemRequest.DependsOn"/> names.
/// </summary>
public sealed record PlanRequest(IReadOnlyList<PlanItemRequest>? Items);

/// <summary>One sub-item of a plan; <paramref name="DependsOn"/> names other items of the same plan by key.</summary>
public sealed record PlanItemRequest(
    string? Key, string? Title, string? Description = null, IReadOnlyList<string>? RequiredSkills = null, IReadOnlyList<string>? DependsOn = null);

/// <summary>
/// What became of a plan: <c>approved</c> with the sub-items created, or <c>awaitingApproval</c> (none created yet); and
/// (added) the goal as it now stands.
/// </summary>
public sealed record PlanOutcomeView(string State, IReadOnlyList<WorkItemView> WorkItems, WorkItemView Goal);

/// <summary>A person sends a plan back to be planned again; the feedback goes with the goal to its next planner.</summary>
public sealed record RejectPlanRequest(string? Feedback);

/// <summary>
/// What the goal's people decide about a failed or cancelled sub-item: <c>retry</c> it, <c>drop</c> it (the goal is
/// consolidated without it) or <c>replan</c> the goal (open sub-items are cancelled and dropped, the goal is planned again
/// with the feedback).
/// </summary>
public sealed record SubItemDecisionRequest(string? Choice, string? Feedback = null);

/// <summary>The API's names for a plan's states.</summary>
public static class PlanStates
{
    public const string Approved = "approved";
    public const string AwaitingApproval = "awaitingApproval";

    /// <summary>Sent back by a person: nothing was created and the goal is planned again.</summary>
    public const string Rejected = "rejected";
}

/// <summary>The choices a failed or cancelled sub-item escalates with.</summary>
public static class SubItemChoices
{
    public const string Retry = "retry";
    public const string Drop = "drop";
    public const string Replan = "replan";
}

/// <summary>
/// The shape of a goal (<c>GET /work-items/{id}/plan</c>): the plan awaiting approval if any, every sub-item with its
/// dependencies, how many are done of how many count (dropped ones do not), the ones waiting for a decision, and the
/// consolidation step once it exists.
/// </summary>
public sealed record GoalView(
    Guid GoalId,
    string State,
    IReadOnlyList<PlanItemRequest>? PendingPlan,
    IReadOnlyList<SubItemView> SubItems,
    int Done,
    int Total,
    IReadOnlyList<Guid> NeedsDecision,
    SubItemView? Consolidation);

/// <summary>One sub-item as the goal's tree shows it.</summary>
public sealed record SubItemView(Guid Id, string Title, string State, string Kind, IReadOnlyList<Guid> DependsOn, bool Dropped, MemberRef? Assignee);
