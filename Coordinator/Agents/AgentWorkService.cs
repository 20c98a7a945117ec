using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.UsageTotals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// The agent's side of the work it was offered: accepting, reporting progress, finishing with a result, declining. Being
/// there (heartbeats, pulls) is <see cref="AgentPresenceService"/>'s.
/// </summary>
public sealed class AgentWorkService(
    ClawDbContext context,
    WorkItemLifecycle lifecycle,
    BudgetGate budgets,
    SignsOfLife signsOfLife,
    IOptionsMonitor<CoordinatorOptions> options)
{
    public const int MaxArtifacts = 50;

    /// <summary>
    /// Whether the group reviews results: all a result needs of the group, read on every result, so compiled and narrow
    /// rather than the whole group row (its thresholds, budgets and routing lists too).
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<bool>>> RequiresReview = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid groupId, CancellationToken _) => context.Groups.Where(g => g.Id == groupId).Select(g => g.RequireReview).Single()));

    public async Task<Outcome<WorkItemView>> AcceptAsync(Caller caller, Guid workItemId, CancellationToken cancellationToken)
    {
        var (item, assignment, denied) = await OwnWorkAsync(caller, workItemId, cancellationToken, offeredPeopleToo: true);
        if (denied is not null)
        {
            return denied;
        }

        if (item!.State == WorkItemState.InProgress && assignment!.AcceptedAt is not null)
        {
            return await context.ToViewAsync(item, caller, cancellationToken);
        }

        var moved = WorkItemStateMachine.Apply(item, WorkItemMove.Accept, lifecycle.Now);
        if (!moved.Succeeded)
        {
            return moved.Failure!;
        }

        assignment!.AcceptedAt = lifecycle.Now;
        AttemptRule.Started(item, assignment);
        assignment.LastProgressAt = lifecycle.Now;
        context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Accepted, lifecycle.Now, new { attempt = assignment.Attempt }, item.Id, caller.IsAgent ? caller.Id : null);
        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, caller, cancellationToken);
    }

    public async Task<Outcome<WorkItemView>> ProgressAsync(Caller caller, Guid workItemId, ProgressReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var errors = UsageErrors(report.Usage);
        if (report.Fraction is not { } fraction || double.IsNaN(fraction) || fraction is < 0 or > 1)
        {
            errors["fraction"] = ["fraction is required: a number from 0 to 1."];
        }

        if (report.Message is { Length: > WorkItemLimits.MaxProgressMessageLength })
        {
            errors["message"] = [$"message is at most {WorkItemLimits.MaxProgressMessageLength} characters long."];
        }

        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        var (item, assignment, denied) = await OwnWorkAsync(caller, workItemId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        if (item!.State != WorkItemState.InProgress)
        {
            return Failure.Conflict($"Progress is reported on work in progress; this item is {WorkItemStates.ApiName(item.State)}" +
                                    (item.State == WorkItemState.Assigned ? ": accept it first." : "."),
                new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(item.State) });
        }

        var now = lifecycle.Now;
        // The same fraction and message again is a sign of life, not progress: a loop that repeats itself stalls after the
        // progress timeout as one that says nothing does (decision 0028). The item's ProgressAt still moves, which is how the
        // sweep tells the two apart.
        var moved = item.ProgressFraction != report.Fraction!.Value || !string.Equals(item.ProgressMessage, report.Message, StringComparison.Ordinal);
        item.ProgressFraction = report.Fraction!.Value;
        item.ProgressMessage = report.Message;
        // Working again: whatever it asked was answered, or no longer holds it up.
        (item.QuestionAskedAt, item.Question) = (null, null);
        item.ProgressAt = now;
        item.UpdatedAt = now;
        if (moved)
        {
            assignment!.LastProgressAt = now;
        }

        await ApplyUsageAsync(item, assignment!, report.Usage, cancellationToken);
        context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Progress, now, new { fraction = report.Fraction, message = report.Message }, item.Id, caller.Id);
        // Reporting progress is a sign of life as good as a heartbeat: stored with every agent's within half a second.
        signsOfLife.Report(caller.Id, now);
        await budgets.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, caller, cancellationToken);
    }

    public async Task<Outcome<WorkItemView>> ResultAsync(Caller caller, Guid workItemId, ResultReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var errors = ResultErrors(report);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        var (item, assignment, denied) = await OwnWorkAsync(caller, workItemId, cancellationToken, acceptLate: true);
        if (denied is not null)
        {
            return denied;
        }

        var now = lifecycle.Now;
        if (ResultAlreadyRecorded(item!, assignment!))
        {
            // A client's retry after an answer it never got (a timeout, a crash) is not news: the same result is a
            // success that changes nothing, a different one a conflict that changes nothing either.
            return SameResult(item!, assignment!, report)
                ? await context.ToViewAsync(item!, caller, cancellationToken)
                : Failure.Conflict("This attempt's result is already recorded, and it differs from this one; a result cannot be replaced.",
                    new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(item!.State) });
        }

        if (assignment!.EndedAt is not null || item!.CurrentAssignmentId != assignment.Id)
        {
            // The lease was revoked: keep what the agent did for the humans to judge, and say so (once, however often it is sent).
            var late = ClawJson.Serialize(report);
            if (assignment.LateResultJson != late)
            {
                assignment.LateResultJson = late;
                context.AddTrailEvent(item!.GroupId, caller, TrailEventTypes.LateResult, now, new { attempt = assignment.Attempt, report.Summary }, item.Id, caller.Id);
                await lifecycle.SaveAsync(cancellationToken);
            }

            return Failure.Conflict(
                "This attempt's lease was revoked before the result arrived. The result is kept and shown to the group's humans.",
                new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(item!.State), ["resultKept"] = true });
        }

        var requireReview = await RequiresReview.For(context)(context, item!.GroupId, cancellationToken);
        var moved = WorkItemStateMachine.Apply(item!, requireReview ? WorkItemMove.SubmitForReview : WorkItemMove.Finish, now);
        if (!moved.Succeeded)
        {
            return moved.Failure!;
        }

        item!.ResultSummary = report.Summary;
        (item.QuestionAskedAt, item.Question) = (null, null);
        item.ProgressFraction = 1;
        item.ProgressAt = now;
        foreach (var artifact in report.Artifacts ?? [])
        {
            var content = artifact.Content ?? "";
            item.Artifacts.Add(new Artifact
            {
                Id = Guid.CreateVersion7(now), WorkItemId = item.Id, AssignmentId = assignment.Id, Name = artifact.Name!.Trim(),
                MediaType = string.IsNullOrWhiteSpace(artifact.MediaType) ? "text/plain" : artifact.MediaType.Trim(), Content = content,
                SizeBytes = System.Text.Encoding.UTF8.GetByteCount(content), AuthorKind = MemberKind.Agent, AuthorId = caller.Id, CreatedAt = now,
            });
        }

        await ApplyUsageAsync(item, assignment, report.Usage, cancellationToken);
        assignment.Pace = TrackRecordQuery.PaceOf(item, assignment, now);
        context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Result, now,
            new { report.Summary, artifacts = report.Artifacts?.Count ?? 0, review = requireReview }, item.Id, caller.Id);
        if (requireReview)
        {
            // The attempt stays open until the review: approval completes it, rejection ends it.
            assignment.LastProgressAt = now;
        }
        else
        {
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Completed, cancellationToken);
            RestoreAssigneeForHistory(item, assignment);
            await lifecycle.UnblockDependentsAsync(item, caller, cancellationToken);
        }

        lifecycle.AssignmentNeeded(item.GroupId);
        await budgets.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, caller, cancellationToken);
    }

    public Task<Outcome<WorkItemView>> DeclineAsync(Caller caller, Guid workItemId, DeclineReport report, CancellationToken cancellationToken)
        => GiveBackAsync(caller, workItemId, report, AssignmentOutcome.Declined, cancellationToken);

    /// <summary>
    /// The attempt failed (an A2A task that ended failed): it ends as failed and the item goes back to the coordinator — or
    /// fails for good when its attempts are used up — as a decline does.
    /// </summary>
    public Task<Outcome<WorkItemView>> FailAsync(Caller caller, Guid workItemId, DeclineReport report, CancellationToken cancellationToken)
        => GiveBackAsync(caller, workItemId, report, AssignmentOutcome.Failed, cancellationToken);

    /// <summary>
    /// The agent working on the item asks a person something (an A2A task in input-required): the item keeps its agent, is
    /// not judged for stalls while it waits, and the next message a person posts on it is the answer.
    /// </summary>
    public async Task<Outcome<WorkItemView>> AskAsync(Caller caller, Guid workItemId, string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var (item, assignment, denied) = await OwnWorkAsync(caller, workItemId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        if (item!.State != WorkItemState.InProgress)
        {
            return Failure.Conflict($"Only work in progress can wait for an answer; this item is {WorkItemStates.ApiName(item.State)}.",
                new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(item.State) });
        }

        var now = lifecycle.Now;
        var text = question.Length <= WorkItemLimits.MaxProgressMessageLength ? question : question[..WorkItemLimits.MaxProgressMessageLength];
        item.QuestionAskedAt = now;
        item.Question = text;
        item.UpdatedAt = now;
        assignment!.LastProgressAt = now;
        context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.QuestionAsked, now, new { question = text }, item.Id, caller.Id);
        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, caller, cancellationToken);
    }

    private async Task<Outcome<WorkItemView>> GiveBackAsync(
        Caller caller, Guid workItemId, DeclineReport report, AssignmentOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Reason is { Length: > WorkItemLimits.MaxDeclineReasonLength })
        {
            return Failure.Invalid("reason", $"reason is at most {WorkItemLimits.MaxDeclineReasonLength} characters long.");
        }

        var (item, _, denied) = await OwnWorkAsync(caller, workItemId, cancellationToken, offeredPeopleToo: true);
        if (denied is not null)
        {
            return denied;
        }

        var target = WorkItemStateMachine.Target(item!.State, WorkItemMove.Decline);
        if (!target.Succeeded)
        {
            return target.Failure!;
        }

        var declined = outcome == AssignmentOutcome.Declined;
        var ended = await lifecycle.EndAttemptAsync(item, outcome, cancellationToken, stallReason: declined ? StallReason.Declined : null);
        ended!.Feedback = report.Reason;
        FeedbackSteering.SendOn(lifecycle, item, ended, caller.Name, report.Reason, sameMember: null);
        WorkItemStateMachine.Apply(item, WorkItemMove.Decline, lifecycle.Now);
        context.AddTrailEvent(item.GroupId, caller, declined ? TrailEventTypes.Declined : TrailEventTypes.AttemptFailed, lifecycle.Now,
            new { report.Reason }, item.Id, caller.IsAgent ? caller.Id : null);
        await AttemptRule.FailIfExhaustedAsync(context, item, options.CurrentValue, lifecycle.Now, declined ? "declined" : "attemptFailed", cancellationToken);
        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, caller, cancellationToken);
    }

    /// <summary>Whether this attempt's result was taken: it completed the attempt, or it waits in review.</summary>
    private static bool ResultAlreadyRecorded(WorkItem item, Assignment assignment)
        => assignment.Outcome == AssignmentOutcome.Completed
           || (item.State == WorkItemState.InReview && item.CurrentAssignmentId == assignment.Id && assignment.EndedAt is null);

    private static bool SameResult(WorkItem item, Assignment assignment, ResultReport report)
    {
        // Artifacts compared as a set: ids made in the same millisecond do not keep the order they were sent in.
        var recorded = item.Artifacts.Where(a => a.AssignmentId == assignment.Id).Select(a => (a.Name, a.Content)).Order().ToList();
        var sent = (report.Artifacts ?? []).Select(a => (Name: a.Name!.Trim(), Content: a.Content ?? "")).Order().ToList();
        return item.ResultSummary == report.Summary && recorded.SequenceEqual(sent);
    }

    /// <summary>A finished item keeps showing who did it.</summary>
    private static void RestoreAssigneeForHistory(WorkItem item, Assignment assignment)
    {
        item.AssigneeKind = assignment.MemberKind;
        item.AssigneeAgentId = assignment.AgentId;
        item.AssigneeUserId = assignment.UserId;
    }

    /// <summary>
    /// The item and the caller's attempt at it. With <paramref name="offeredPeopleToo"/> (accept and decline) a person may
    /// answer an offer made to them as an agent does (decision 0029); the rest of an agent's calls stay an agent's.
    /// </summary>
    private async Task<(WorkItem? Item, Assignment? Assignment, Failure? Denied)> OwnWorkAsync(
        Caller caller, Guid workItemId, CancellationToken cancellationToken, bool acceptLate = false, bool offeredPeopleToo = false)
    {
        if (!(offeredPeopleToo && caller.IsHuman) && AgentCalls.NotAnAgent(caller) is { } notAnAgent)
        {
            return (null, null, notAnAgent);
        }

        var item = await context.LoadWorkItemAsync(workItemId, cancellationToken);
        if (item is null)
        {
            return (null, null, Failure.NotFound("work item", workItemId));
        }

        if (caller.IsAgent && item.GroupId != caller.AgentGroupId)
        {
            return (null, null, Failure.Forbidden("This work item belongs to another group."));
        }

        bool Mine(Assignment a) => caller.IsAgent ? a.AgentId == caller.Id : a.MemberKind == MemberKind.Human && a.UserId == caller.Id;
        var current = item.Assignments.FirstOrDefault(a => a.Id == item.CurrentAssignmentId && a.EndedAt is null && Mine(a));
        if (current is not null)
        {
            return (item, current, null);
        }

        var earlier = item.Assignments.Where(Mine).MaxBy(a => a.Attempt);
        if (acceptLate && earlier is not null)
        {
            return (item, earlier, null);
        }

        return earlier is not null
            ? (null, null, Failure.Conflict("This work item is no longer assigned to you.",
                new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(item.State) }))
            : (null, null, Failure.Forbidden("This work item is not assigned to you."));
    }

    /// <summary>Records the report's usage and holds it to the group's budgets: a report past one is answered, and stops.</summary>
    private async Task ApplyUsageAsync(WorkItem item, Assignment assignment, UsageReport? usage, CancellationToken cancellationToken)
    {
        if (usage is not null)
        {
            ApplyUsage(item, assignment, usage);
            await budgets.AfterUsageAsync(item, assignment, cancellationToken);
        }
    }

    private static void ApplyUsage(WorkItem item, Assignment assignment, UsageReport usage)
    {

        // Reports are cumulative for the attempt: the item's total moves by the difference.
        var input = usage.InputTokens ?? assignment.Usage.InputTokens;
        var output = usage.OutputTokens ?? assignment.Usage.OutputTokens;
        var cost = usage.CostUsd ?? assignment.Usage.CostUsd;
        item.Usage.InputTokens = Math.Max(0, UsageLimits.Add(item.Usage.InputTokens, input - assignment.Usage.InputTokens));
        item.Usage.OutputTokens = Math.Max(0, UsageLimits.Add(item.Usage.OutputTokens, output - assignment.Usage.OutputTokens));
        item.Usage.CostUsd = Math.Max(0, UsageLimits.Add(item.Usage.CostUsd, cost - assignment.Usage.CostUsd));
        assignment.Usage.InputTokens = input;
        assignment.Usage.OutputTokens = output;
        assignment.Usage.CostUsd = cost;
    }

    private static Dictionary<string, string[]> UsageErrors(UsageReport? usage)
    {
        var errors = new Dictionary<string, string[]>();
        UsageLimits.Check(usage, errors);
        return errors;
    }

    private static Dictionary<string, string[]> ResultErrors(ResultReport report)
    {
        var errors = UsageErrors(report.Usage);
        if (report.Summary is { Length: > WorkItemLimits.MaxSummaryLength })
        {
            errors["summary"] = [$"summary is at most {WorkItemLimits.MaxSummaryLength} characters long."];
        }

        if (report.Artifacts is { Count: > MaxArtifacts })
        {
            errors["artifacts"] = [$"At most {MaxArtifacts} artifacts per result."];
        }

        for (var i = 0; i < (report.Artifacts?.Count ?? 0); i++)
        {
            var artifact = report.Artifacts![i];
            if (artifact is null || string.IsNullOrWhiteSpace(artifact.Name) || artifact.Name.Length > WorkItemLimits.MaxArtifactNameLength)
            {
                errors[$"artifacts[{i}].name"] = [$"Each artifact needs a name of at most {WorkItemLimits.MaxArtifactNameLength} characters."];
            }
            else if (artifact.MediaType is { Length: > WorkItemLimits.MaxArtifactMediaTypeLength })
            {
                errors[$"artifacts[{i}].mediaType"] = [$"mediaType is at most {WorkItemLimits.MaxArtifactMediaTypeLength} characters long."];
            }
        }

        return errors;
    }
}
