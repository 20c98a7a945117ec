using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// What a human does to work in flight: take over, hand back, reassign, review, cancel, steer, pause, complete.
/// Every move is checked by the state machine, every steer (message, pause, resume) by the steering rule, and nothing
/// an agent reported is dropped.
/// </summary>
public sealed class HumanWorkService(
    ClawDbContext context, WorkItemLifecycle lifecycle, WorkItemService workItems, IOptionsMonitor<CoordinatorOptions> options)
{
    public Task<Outcome<WorkItemView>> TakeOverAsync(Caller caller, Guid id, CancellationToken cancellationToken)
        => MoveAsync(caller, id, WorkItemMove.TakeOver, async item =>
        {
            if (item.AssigneeKind == MemberKind.Human && item.AssigneeUserId == caller.Id)
            {
                return Failure.Conflict("You already hold this work item.", StateOf(item));
            }

            // The agent is told to stop; its progress, artifacts and log stay on the item for the human.
            var takenOver = await lifecycle.EndAttemptAsync(item, AssignmentOutcome.TakenOver, cancellationToken, RevokeReasons.Takeover);
            lifecycle.GiveToHuman(item, caller, "taken over by a human", WorkItemMove.TakeOver, takenOver);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.TakenOver, lifecycle.Now, new { by = caller.Name }, item.Id);
            return null;
        }, cancellationToken);

    public Task<Outcome<WorkItemView>> HandBackAsync(Caller caller, Guid id, HandBackRequest request, CancellationToken cancellationToken)
        => MoveAsync(caller, id, WorkItemMove.HandBack, async item =>
        {
            if (request.Note is { Length: > WorkItemLimits.MaxNoteLength })
            {
                return Failure.Invalid("note", $"note is at most {WorkItemLimits.MaxNoteLength} characters long.");
            }

            if (item.AssigneeKind != MemberKind.Human)
            {
                return Failure.Conflict("Only work held by a human can be handed back.", StateOf(item));
            }

            var ended = await lifecycle.EndAttemptAsync(item, AssignmentOutcome.HandedBack, cancellationToken);
            if (ended is not null)
            {
                ended.Feedback = request.Note;
            }

            // The person's own attempt is sent on, and so is the agent's they took it over from: the hand-back is their
            // verdict on that agent's work, which is how "Front-end please" kept going back to the same wrong agent.
            var sameMember = FeedbackSteering.SendOn(lifecycle, item, ended, null, request.Note, request.SameMember);
            if (TakenOverBefore(item, ended) is { } takenOver)
            {
                sameMember = FeedbackSteering.SendOn(lifecycle, item, takenOver, await AgentNameAsync(takenOver, cancellationToken), request.Note, request.SameMember);
            }

            WorkItemStateMachine.Apply(item, WorkItemMove.HandBack, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.HandedBack, lifecycle.Now, new { request.Note, sameMember }, item.Id);
            await AttemptRule.FailIfExhaustedAsync(context, item, options.CurrentValue, lifecycle.Now, "handedBack", cancellationToken);
            return null;
        }, cancellationToken);

    public async Task<Outcome<WorkItemView>> ReassignAsync(Caller caller, Guid id, ReassignRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MemberId is not { } memberId)
        {
            return Failure.Invalid("memberId", "memberId is required: the id of an agent or a human of the group.");
        }

        if (request.Note is { Length: > WorkItemLimits.MaxNoteLength })
        {
            return Failure.Invalid("note", $"note is at most {WorkItemLimits.MaxNoteLength} characters long.");
        }

        return await MoveAsync(caller, id, WorkItemMove.Reassign, async item =>
        {
            var agent = await context.Agents.SingleOrDefaultAsync(a => a.Id == memberId && a.GroupId == item.GroupId && a.Status != AgentStatus.Revoked, cancellationToken);
            var human = agent is null
                ? await context.GroupMembers.Include(m => m.User).SingleOrDefaultAsync(m => m.GroupId == item.GroupId && m.UserId == memberId, cancellationToken)
                : null;
            if (agent is null && human is null)
            {
                return Failure.Invalid("memberId", $"{memberId} is not a member of this group.");
            }

            if (item.AssigneeAgentId == memberId || item.AssigneeUserId == memberId)
            {
                return Failure.Conflict("The work item is already assigned to that member.", StateOf(item));
            }

            if (human is not null && !WorkItemStateMachine.Allows(item.State, WorkItemMove.TakeOver))
            {
                return WorkItemStateMachine.Target(item.State, WorkItemMove.TakeOver).Failure;
            }

            // A pick among the candidates of an item held for a person keeps why the coordinator had put that member forward.
            var reason = RoutingHold.Candidates(item).FirstOrDefault(c => c.MemberId == memberId) is { } candidate
                ? $"picked by {caller.Name}; {candidate.Reason}"
                : $"reassigned by {caller.Name}";
            var ended = await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Reassigned, cancellationToken, RevokeReasons.Reassigned);
            if (ended is not null)
            {
                ended.Feedback = request.Note ?? ended.Feedback;
            }

            // A person chose someone else: the member it was taken from is steered away from whatever the note says.
            FeedbackSteering.SendOn(lifecycle, item, ended, null, request.Note, sameMember: false);
            if (item.State is WorkItemState.Assigned or WorkItemState.InProgress)
            {
                item.State = WorkItemState.Ready;
            }

            if (agent is not null)
            {
                var move = item.State == WorkItemState.Failed ? WorkItemMove.Reassign : WorkItemMove.Assign;
                lifecycle.OfferToAgent(item, agent, score: 1, reason, caller, move).ChosenByUserId = caller.Id;
                lifecycle.AnnounceOffer(agent, () => item.ToView(new Dictionary<Guid, string> { [agent.Id] = agent.Name }));
            }
            else
            {
                var member = new Caller(MemberKind.Human, human!.UserId, human.User?.DisplayName ?? "");
                lifecycle.GiveToHuman(item, member, reason, WorkItemMove.TakeOver).ChosenByUserId = caller.Id;
                context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Assigned, lifecycle.Now, new { memberKind = MemberKinds.Human, memberId, reason }, item.Id);
            }

            return null;
        }, cancellationToken);
    }

    public async Task<Outcome<WorkItemView>> ReviewAsync(Caller caller, Guid id, ReviewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Approve is not { } approve)
        {
            return Failure.Invalid("approve", "approve is required: true to accept the result, false to send it back.");
        }

        if (request.Feedback is { Length: > WorkItemLimits.MaxNoteLength })
        {
            return Failure.Invalid("feedback", $"feedback is at most {WorkItemLimits.MaxNoteLength} characters long.");
        }

        return await MoveAsync(caller, id, approve ? WorkItemMove.Approve : WorkItemMove.Reject, async item =>
        {
            var sameMember = false;
            var openReviews = item.Assignments.Where(a => a.Role == AssignmentRole.Review && a.EndedAt is null).ToList();
            foreach (var review in openReviews)
            {
                // The decision closes every open review: the one that made it completes, others are told to stop.
                var decided = review.AgentId == caller.Id;
                (review.Outcome, review.EndedAt, review.Feedback) = (decided ? AssignmentOutcome.Completed : AssignmentOutcome.Revoked, lifecycle.Now,
                    decided ? request.Feedback : null);
                if (!decided && review.AgentId is { } reviewerId && await context.Agents.FindAsync([reviewerId], cancellationToken) is { } reviewer)
                {
                    lifecycle.Tell(reviewer, AgentMessageTypes.Revoked, new { workItemId = item.Id, reason = RevokeReasons.Reassigned }, item.Id);
                }
            }

            if (approve)
            {
                var ended = await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Completed, cancellationToken);
                WorkItemStateMachine.Apply(item, WorkItemMove.Approve, lifecycle.Now);
                if (ended is not null)
                {
                    // A done item keeps showing who did it.
                    (item.AssigneeKind, item.AssigneeAgentId, item.AssigneeUserId) = (ended.MemberKind, ended.AgentId, ended.UserId);
                }

                await lifecycle.UnblockDependentsAsync(item, caller, cancellationToken);
            }
            else
            {
                var ended = await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Rejected, cancellationToken);
                Agent? author = null;
                if (ended is not null)
                {
                    ended.Feedback = request.Feedback;
                    if (ended.AgentId is { } agentId && await context.Agents.FindAsync([agentId], cancellationToken) is { } agent)
                    {
                        author = agent;
                        lifecycle.Tell(agent, AgentMessageTypes.Rejected, new { workItemId = item.Id, feedback = request.Feedback }, item.Id);
                    }
                }

                sameMember = FeedbackSteering.SendOn(lifecycle, item, ended, author?.Name, request.Feedback, request.SameMember);

                WorkItemStateMachine.Apply(item, WorkItemMove.Reject, lifecycle.Now);
            }

            context.AddTrailEvent(item.GroupId, caller, approve ? TrailEventTypes.Approved : TrailEventTypes.Rejected, lifecycle.Now,
                approve ? new { request.Feedback } : (object)new { request.Feedback, sameMember }, item.Id);
            if (!approve)
            {
                // The last attempt was rejected: the item waits for a person instead of being offered again.
                await AttemptRule.FailIfExhaustedAsync(context, item, options.CurrentValue, lifecycle.Now, "rejected", cancellationToken);
            }

            return null;
        }, cancellationToken, mayAct: item => MayReview(caller, item), reviewersToo: true);
    }

    /// <summary>Who may review, asked before whether the item is in review: a caller without the right hears 403, not the item's state.</summary>
    private static Failure? MayReview(Caller caller, WorkItem item)
    {
        var author = item.Assignments.FirstOrDefault(a => a.Id == item.CurrentAssignmentId);
        if (author?.UserId == caller.Id || (author?.AgentId is { } authorAgent && authorAgent == caller.Id))
        {
            return Failure.Forbidden("A result is reviewed by someone other than its author.");
        }

        return caller.IsAgent && !item.Assignments.Any(a => a.Role == AssignmentRole.Review && a.EndedAt is null && a.AgentId == caller.Id)
            ? Failure.Forbidden("This agent was not asked to review this work item.")
            : null;
    }

    /// <summary>
    /// Accepts a result that arrived after its attempt's lease was revoked: it becomes the item's result and, the
    /// human's acceptance being the review, the item is done. An attempt still running is told to stop.
    /// </summary>
    public Task<Outcome<WorkItemView>> AcceptLateResultAsync(Caller caller, Guid id, Guid assignmentId, CancellationToken cancellationToken)
        => MoveAsync(caller, id, WorkItemMove.AcceptLateResult, async item =>
        {
            var late = item.Assignments.SingleOrDefault(a => a.Id == assignmentId);
            if (late?.LateResultJson is null)
            {
                return Failure.NotFound("late result", assignmentId);
            }

            var report = System.Text.Json.JsonSerializer.Deserialize<Agents.ResultReport>(late.LateResultJson, ClawJson.Options)!;
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Reassigned, cancellationToken, RevokeReasons.Reassigned);
            WorkItemStateMachine.Apply(item, WorkItemMove.AcceptLateResult, lifecycle.Now);
            late.Outcome = AssignmentOutcome.Completed;
            item.ResultSummary = report.Summary;
            item.ProgressFraction = 1;
            item.ProgressAt = lifecycle.Now;
            foreach (var artifact in report.Artifacts ?? [])
            {
                var content = artifact.Content ?? "";
                var added = new Artifact
                {
                    Id = Guid.CreateVersion7(lifecycle.Now), WorkItemId = item.Id, AssignmentId = late.Id, Name = artifact.Name ?? "artifact",
                    MediaType = artifact.MediaType ?? "text/plain", Content = content, SizeBytes = System.Text.Encoding.UTF8.GetByteCount(content),
                    AuthorKind = MemberKind.Agent, AuthorId = late.AgentId, CreatedAt = lifecycle.Now,
                };
                item.Artifacts.Add(added);
            }

            (item.AssigneeKind, item.AssigneeAgentId) = (MemberKind.Agent, late.AgentId);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.LateResultAccepted, lifecycle.Now, new { assignmentId, attempt = late.Attempt }, item.Id, late.AgentId);
            await lifecycle.UnblockDependentsAsync(item, caller, cancellationToken);
            return null;
        }, cancellationToken);

    /// <summary>A human gives a failed item one more attempt; the coordinator offers it again.</summary>
    public Task<Outcome<WorkItemView>> RetryAsync(Caller caller, Guid id, CancellationToken cancellationToken)
        => MoveAsync(caller, id, WorkItemMove.Retry, item =>
        {
            WorkItemStateMachine.Apply(item, WorkItemMove.Retry, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Retried, lifecycle.Now, new { attempts = item.Attempts }, item.Id);
            AttemptRule.StartOver(item, lifecycle.Now);
            lifecycle.AssignmentNeeded(item.GroupId);
            return Task.FromResult<Failure?>(null);
        }, cancellationToken);

    public Task<Outcome<WorkItemView>> CancelAsync(Caller caller, Guid id, CancellationToken cancellationToken)
        => MoveAsync(caller, id, WorkItemMove.Cancel, async item =>
        {
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Cancelled, cancellationToken, RevokeReasons.Cancelled);
            WorkItemStateMachine.Apply(item, WorkItemMove.Cancel, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Cancelled, lifecycle.Now, null, item.Id);
            await Goals.GoalCancellation.CancelSubItemsAsync(context, lifecycle, item, caller, cancellationToken);
            return null;
        }, cancellationToken);

    public Task<Outcome<WorkItemView>> CompleteAsync(Caller caller, Guid id, CompleteRequest request, CancellationToken cancellationToken)
        => MoveAsync(caller, id, WorkItemMove.Finish, async item =>
        {
            if (request.Summary is { Length: > WorkItemLimits.MaxSummaryLength })
            {
                return Failure.Invalid("summary", $"summary is at most {WorkItemLimits.MaxSummaryLength} characters long.");
            }

            if (item.AssigneeKind != MemberKind.Human || item.AssigneeUserId != caller.Id)
            {
                return Failure.Conflict("Only the human who holds a work item can complete it; take it over first.", StateOf(item));
            }

            item.ResultSummary = request.Summary ?? item.ResultSummary;
            item.ProgressFraction = 1;
            item.ProgressAt = lifecycle.Now;
            var ended = await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Completed, cancellationToken);
            if (ended is not null)
            {
                ended.Pace = TrackRecordQuery.PaceOf(item, ended, lifecycle.Now);
            }

            WorkItemStateMachine.Apply(item, WorkItemMove.Finish, lifecycle.Now);
            (item.AssigneeKind, item.AssigneeUserId) = (MemberKind.Human, ended?.UserId ?? caller.Id);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Completed, lifecycle.Now, new { request.Summary }, item.Id);
            await lifecycle.UnblockDependentsAsync(item, caller, cancellationToken);
            return null;
        }, cancellationToken);

    /// <summary>Steers the assignee without stopping it; the message stays in the item's log.</summary>
    public async Task<Outcome<TrailEventView>> MessageAsync(Caller caller, Guid id, MessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > WorkItemLimits.MaxNoteLength)
        {
            return Failure.Invalid("text", $"text is required and at most {WorkItemLimits.MaxNoteLength} characters long.");
        }

        var (item, denied) = await HumanItemAsync(caller, id, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        if (SteeringRule.Refusal(SteeringMove.Message, item!.State, SteeringRule.HolderOf(item, caller.Id), item.PausedAt is not null) is { } refused)
        {
            return refused;
        }

        var trailEvent = context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Message, lifecycle.Now, new { text = request.Text, from = caller.Name }, item.Id);
        if (item.QuestionAskedAt is not null)
        {
            // The item waited for a person: this message is the answer, and it goes back to its agent on the same task.
            (item.QuestionAskedAt, item.Question, item.UpdatedAt) = (null, null, lifecycle.Now);
        }

        if (item.AssigneeAgentId is { } agentId && await context.Agents.FindAsync([agentId], cancellationToken) is { } agent)
        {
            lifecycle.Tell(agent, AgentMessageTypes.Message, new { workItemId = item.Id, text = request.Text, from = caller.Name }, item.Id);
        }

        await lifecycle.SaveAsync(cancellationToken);
        return trailEvent.ToView();
    }

    public Task<Outcome<WorkItemView>> PauseAsync(Caller caller, Guid id, CancellationToken cancellationToken)
        => SetPausedAsync(caller, id, paused: true, cancellationToken);

    public Task<Outcome<WorkItemView>> ResumeAsync(Caller caller, Guid id, CancellationToken cancellationToken)
        => SetPausedAsync(caller, id, paused: false, cancellationToken);

    private async Task<Outcome<WorkItemView>> SetPausedAsync(Caller caller, Guid id, bool paused, CancellationToken cancellationToken)
    {
        var (item, denied) = await HumanItemAsync(caller, id, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var move = paused ? SteeringMove.Pause : SteeringMove.Resume;
        if (SteeringRule.Refusal(move, item!.State, SteeringRule.HolderOf(item, caller.Id), item.PausedAt is not null) is { } refused)
        {
            return refused;
        }

        item.PausedAt = paused ? lifecycle.Now : null;
        // A person's pause has no reason to show; resuming lifts a budget's stop too (the next report past it stops again).
        item.PausedReason = null;
        item.UpdatedAt = lifecycle.Now;
        var current = item.Assignments.FirstOrDefault(a => a.Id == item.CurrentAssignmentId);
        if (!paused && current is not null)
        {
            // Time spent paused is not time without progress.
            current.LastProgressAt = lifecycle.Now;
        }

        context.AddTrailEvent(item.GroupId, caller, paused ? TrailEventTypes.Paused : TrailEventTypes.Resumed, lifecycle.Now, null, item.Id);
        if (item.AssigneeAgentId is { } agentId && await context.Agents.FindAsync([agentId], cancellationToken) is { } agent)
        {
            lifecycle.Tell(agent, paused ? AgentMessageTypes.Paused : AgentMessageTypes.Resumed, new { workItemId = item.Id }, item.Id);
        }

        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, cancellationToken);
    }

    private async Task<Outcome<WorkItemView>> MoveAsync(
        Caller caller, Guid id, WorkItemMove move, Func<WorkItem, Task<Failure?>> apply, CancellationToken cancellationToken,
        Func<WorkItem, Failure?>? mayAct = null, bool reviewersToo = false)
    {
        // Reviews may come from a validator agent, which the review itself checks; every other move is a human's.
        var (item, denied) = reviewersToo && caller.IsAgent
            ? await workItems.VisibleItemAsync(caller, id, cancellationToken)
            : await HumanItemAsync(caller, id, cancellationToken);
        if ((denied ?? mayAct?.Invoke(item!)) is { } refusal)
        {
            return refusal;
        }

        // Permission before state: a caller who may not make the move is not told where the item stands.
        if (WorkItemStateMachine.Target(item!.State, move) is { Succeeded: false } refused)
        {
            return refused.Failure!;
        }

        if (await apply(item) is { } failure)
        {
            return failure;
        }

        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, cancellationToken);
    }

    /// <summary>
    /// The agent's attempt a person took over just before the attempt they now hand back, if that is how they came to hold it:
    /// the work attempt that ended last before theirs was offered (by time: a takeover keeps the attempt's number).
    /// </summary>
    private static Assignment? TakenOverBefore(WorkItem item, Assignment? handedBack)
        => handedBack is null
            ? null
            : item.Assignments.Where(a => a.Role == AssignmentRole.Work && a.Id != handedBack.Id && a.EndedAt <= handedBack.OfferedAt)
                .OrderByDescending(a => a.EndedAt).FirstOrDefault() is { Outcome: AssignmentOutcome.TakenOver, AgentId: not null } takenOver
                ? takenOver
                : null;

    private async Task<string?> AgentNameAsync(Assignment assignment, CancellationToken cancellationToken)
        => assignment.AgentId is { } agentId && await context.Agents.FindAsync([agentId], cancellationToken) is { } agent ? agent.Name : null;

    private async Task<(WorkItem? Item, Failure? Denied)> HumanItemAsync(Caller caller, Guid id, CancellationToken cancellationToken)
        => GroupAccess.RequireHuman(caller) is { } notHuman ? (null, notHuman) : await workItems.VisibleItemAsync(caller, id, cancellationToken);

    private static Dictionary<string, object?> StateOf(WorkItem item) => new() { ["state"] = WorkItemStates.ApiName(item.State) };
}
