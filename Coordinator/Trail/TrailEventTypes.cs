using System.Reflection;

namespace ClawGroups.Coordinator.Trail;

/// <summary>
/// Every trail event type the code writes, by its stored name: writers, readers and the board use these members, never a
/// literal. A work item's own events (<c>work.*</c>) are named for what happened to it; the others for their subject too.
/// </summary>
public static class TrailEventTypes
{
    /// <summary>A person or client created a work item, with its title, state, skills, priority and dependencies.</summary>
    public static readonly TrailEventType Created = new("work.created");

    /// <summary>A person changed a work item's title, description, skills or priority.</summary>
    public static readonly TrailEventType Edited = new("work.edited");

    /// <summary>Every dependency of a blocked item is done, so it became ready.</summary>
    public static readonly TrailEventType Ready = new("work.ready");

    /// <summary>An item was offered to a member (agent or person), with the score and reason it was chosen.</summary>
    public static readonly TrailEventType Assigned = new("work.assigned");

    /// <summary>The coordinator offered an item's result to a validator agent for review.</summary>
    public static readonly TrailEventType ReviewAssigned = new("review.assigned");

    /// <summary>The coordinator held an item for a person to route, with how sure it was and its best candidates.</summary>
    public static readonly TrailEventType NeedsRouting = new("work.needsRouting");

    /// <summary>The agent accepted its offer and started work.</summary>
    public static readonly TrailEventType Accepted = new("work.accepted");

    /// <summary>The agent declined its offer, with its reason.</summary>
    public static readonly TrailEventType Declined = new("work.declined");

    /// <summary>The agent's attempt failed (its A2A task failed), with its reason; the item goes back to the coordinator.</summary>
    public static readonly TrailEventType AttemptFailed = new("work.attemptFailed");

    /// <summary>The assignee asked a question (an A2A task needing input); the item waits for a person's answer.</summary>
    public static readonly TrailEventType QuestionAsked = new("work.questionAsked");

    /// <summary>The agent reported progress: a fraction done and a message.</summary>
    public static readonly TrailEventType Progress = new("work.progress");

    /// <summary>A person sent the agent working on an item a message.</summary>
    public static readonly TrailEventType Message = new("work.message");

    /// <summary>An agent's result arrived; its time is when the work was done, whatever review follows.</summary>
    public static readonly TrailEventType Result = new("work.result");

    /// <summary>A result arrived after its attempt had ended; it is kept for a person to accept.</summary>
    public static readonly TrailEventType LateResult = new("work.lateResult");

    /// <summary>A person accepted a late result.</summary>
    public static readonly TrailEventType LateResultAccepted = new("work.lateResultAccepted");

    /// <summary>A person took an item over from its agent, which was told to stop.</summary>
    public static readonly TrailEventType TakenOver = new("work.takenOver");

    /// <summary>A person handed an item back to the coordinator, with a note.</summary>
    public static readonly TrailEventType HandedBack = new("work.handedBack");

    /// <summary>A person paused an item.</summary>
    public static readonly TrailEventType Paused = new("work.paused");

    /// <summary>A person resumed a paused item.</summary>
    public static readonly TrailEventType Resumed = new("work.resumed");

    /// <summary>The stall sweep reminded a silent agent of its item, with why.</summary>
    public static readonly TrailEventType Pinged = new("work.pinged");

    /// <summary>An item's attempt stalled (silence, overrun, an unreachable webhook); it will be offered again.</summary>
    public static readonly TrailEventType Stalled = new("work.stalled");

    /// <summary>An item ran out of attempts and needs a person.</summary>
    public static readonly TrailEventType Failed = new("work.failed");

    /// <summary>A person completed an item themselves, with a summary.</summary>
    public static readonly TrailEventType Completed = new("work.completed");

    /// <summary>A reviewer approved an item's result, with feedback.</summary>
    public static readonly TrailEventType Approved = new("work.approved");

    /// <summary>A reviewer rejected an item's result, with feedback.</summary>
    public static readonly TrailEventType Rejected = new("work.rejected");

    /// <summary>A person gave a failed item one more attempt; it is offered again.</summary>
    public static readonly TrailEventType Retried = new("work.retried");

    /// <summary>A person cancelled an item.</summary>
    public static readonly TrailEventType Cancelled = new("work.cancelled");

    /// <summary>An item went back to ready because its agent was revoked, or signed off before accepting it (data: reason, agentId).</summary>
    public static readonly TrailEventType Released = new("work.released");

    /// <summary>An agent joined the group with its card.</summary>
    public static readonly TrailEventType AgentRegistered = new("agent.registered");

    /// <summary>An agent's API key was replaced.</summary>
    public static readonly TrailEventType AgentKeyRotated = new("agent.keyRotated");

    /// <summary>An agent was revoked; its open items are released.</summary>
    public static readonly TrailEventType AgentRevoked = new("agent.revoked");

    /// <summary>An agent missed its heartbeats and was marked stalled.</summary>
    public static readonly TrailEventType AgentStalled = new("agent.stalled");

    /// <summary>An agent signed off: it is offered nothing until its next heartbeat, and its unaccepted offers moved on.</summary>
    public static readonly TrailEventType AgentSignedOff = new("agent.signedOff");

    /// <summary>A stalled or signed-off agent sent a heartbeat again.</summary>
    public static readonly TrailEventType AgentReturned = new("agent.returned");

    /// <summary>An agent's webhook failed too often; its offers are taken back.</summary>
    public static readonly TrailEventType AgentUnreachable = new("agent.unreachable");

    /// <summary>An unreachable agent's webhook answered again.</summary>
    public static readonly TrailEventType AgentReachable = new("agent.reachable");

    /// <summary>A group was created.</summary>
    public static readonly TrailEventType GroupCreated = new("group.created");

    /// <summary>A group's settings changed, with the names of those that did.</summary>
    public static readonly TrailEventType GroupUpdated = new("group.updated");

    /// <summary>A person joined the group by an invite.</summary>
    public static readonly TrailEventType MemberJoined = new("member.joined");

    /// <summary>An invite link for people was created.</summary>
    public static readonly TrailEventType InviteCreated = new("invite.created");

    /// <summary>A join token for agents was created.</summary>
    public static readonly TrailEventType JoinTokenCreated = new("joinToken.created");

    /// <summary>The feedback job tuned a group's skill model (adopted or not), with what it measured.</summary>
    public static readonly TrailEventType ModelTuned = new("model.tuned");

    /// <summary>A group's spend passed 80 % of one of its budgets (data: budget, scope, spent, limit, share, period).</summary>
    public static readonly TrailEventType BudgetWarning = new("budget.warning");

    /// <summary>A group's spend reached one of its budgets: what it covers is paused and offered nothing more (data as for the warning).</summary>
    public static readonly TrailEventType BudgetExceeded = new("budget.exceeded");

    /// <summary>A breaker stopped a loop or a runaway (data: reason — pingPong, failureStreak — and its figures).</summary>
    public static readonly TrailEventType BreakerTripped = new("breaker.tripped");

    /// <summary>An agent's failure breaker closed: a trial attempt completed (data: reason, agentId).</summary>
    public static readonly TrailEventType BreakerReleased = new("breaker.released");

    /// <summary>Every type above. Declared last: static fields are set in the order they are written.</summary>
    /// <summary>A goal's planner answered with a plan: how many sub-items, and whether it awaits a person's approval.</summary>
    public static readonly TrailEventType Planned = new("goal.planned");

    /// <summary>A person approved a goal's plan (as it was, or edited): its sub-items were created.</summary>
    public static readonly TrailEventType PlanApproved = new("goal.planApproved");

    /// <summary>A person sent a goal's plan back with feedback: the goal is planned again.</summary>
    public static readonly TrailEventType PlanRejected = new("goal.planRejected");

    /// <summary>Every sub-item of a goal is done: the coordinator created its consolidation item.</summary>
    public static readonly TrailEventType Consolidating = new("goal.consolidating");

    /// <summary>A goal's consolidation is done: its result became the goal's, which went to review or is done.</summary>
    public static readonly TrailEventType Consolidated = new("goal.consolidated");

    /// <summary>The goal's people decided about a failed or cancelled sub-item: retry, drop or re-plan.</summary>
    public static readonly TrailEventType SubItemDecided = new("goal.decided");

    /// <summary>A goal's sub-item failed or was cancelled and waits for the goal's people to retry it, drop it or re-plan.</summary>
    public static readonly TrailEventType GoalNeedsDecision = new("goal.needsDecision");

    public static IReadOnlyList<TrailEventType> All { get; } = typeof(TrailEventTypes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(TrailEventType))
        .Select(f => (TrailEventType)f.GetValue(null)!)
        .ToList();
}
