namespace ClawGroups.Coordinator.WorkItems;

/// <summary>Every way a work item's state can change, named for what happened.</summary>
public enum WorkItemMove
{
    /// <summary>Its last open dependency finished (backlog → ready).</summary>
    Unblock,

    /// <summary>A new dependency is open again (ready → backlog).</summary>
    Block,

    /// <summary>The coordinator offered it to a member (ready/stalled → assigned).</summary>
    Assign,

    /// <summary>The assigned agent started on it (assigned → inProgress).</summary>
    Accept,

    /// <summary>The assignee gave it back (assigned/inProgress → ready).</summary>
    Decline,

    /// <summary>The assignee posted a result that needs review (inProgress → inReview).</summary>
    SubmitForReview,

    /// <summary>The assignee posted a result and the group does not review (inProgress → done).</summary>
    Finish,

    /// <summary>A reviewer approved the result (inReview → done).</summary>
    Approve,

    /// <summary>A reviewer rejected the result; it goes back for another attempt (inReview → ready).</summary>
    Reject,

    /// <summary>A human took it over mid-run (assigned/inProgress/stalled/ready → inProgress, human assignee).</summary>
    TakeOver,

    /// <summary>The human who held it gave it back to the coordinator (inProgress → ready).</summary>
    HandBack,

    /// <summary>A human moved it to a member of their choice.</summary>
    Reassign,

    /// <summary>The coordinator judged the attempt stalled (assigned/inProgress → stalled).</summary>
    Stall,

    /// <summary>Attempts ran out (→ failed, escalated to humans).</summary>
    Fail,

    /// <summary>A human tries a failed item again (failed → ready).</summary>
    Retry,

    /// <summary>A human stopped it for good.</summary>
    Cancel,

    /// <summary>A human accepted a result that arrived after its attempt was revoked: the human's acceptance is the review.</summary>
    AcceptLateResult,

    /// <summary>A goal's planner answered with a plan (inProgress → backlog): the goal waits for its sub-items, holding no member.</summary>
    Plan,

    /// <summary>A goal's consolidation is done and the goal's result goes to review (backlog → inReview).</summary>
    Consolidate,

    /// <summary>A goal's consolidation is done and the group needs no review (backlog → done).</summary>
    ConsolidateAndFinish,

    /// <summary>A goal's people retry a cancelled sub-item (cancelled → ready).</summary>
    Reopen,
}
