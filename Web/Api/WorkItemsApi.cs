using ClawGroups.Web.Accounts;
using System.Security.Claims;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.WorkItems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>One work item: reading it, the humans' moves and the assigned agent's reports.</summary>
internal static class WorkItemsApi
{
    public static RouteGroupBuilder MapWorkItemsApi(this RouteGroupBuilder api)
    {
        var items = api.MapGroup("/work-items/{id:guid}").WithTags("Work items");
        items.MapGet("/", GetAsync).WithSummary("A work item with its assignee, progress, result and every assignment with its reason.");
        items.MapGet("/events", EventsAsync).WithSummary("The item's audit trail, oldest first.");
        items.MapPatch("/", (Guid id, HttpRequest request, ClaimsPrincipal user, WorkItemService workItems, CancellationToken ct)
            => WithBody<EditWorkItemRequest>(request, false, body => workItems.EditAsync(user.ToCaller(), id, body, ct))).Accepts<EditWorkItemRequest>("application/json")
            .WithSummary("Edits an item no member holds (backlog, ready, stalled, failed): its text is read again and a routing question withdrawn.");

        // Humans.
        items.MapPost("/takeover", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.TakeOverAsync(user.ToCaller(), id, ct)))
            .WithSummary("The caller, a human, becomes the assignee; the agent that had it is told to stop (work.revoked, takeover).");
        items.MapPost("/handback", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<HandBackRequest>(request, true, body => work.HandBackAsync(user.ToCaller(), id, body, ct))).Accepts<HandBackRequest>("application/json")
            .WithSummary("Hand the item back to Ready for the coordinator, with a note read when it is routed again.");
        items.MapPost("/reassign", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<ReassignRequest>(request, false, body => work.ReassignAsync(user.ToCaller(), id, body, ct))).Accepts<ReassignRequest>("application/json")
            .WithSummary("Offer the item to a member the caller chooses.");
        items.MapPost("/review", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<ReviewRequest>(request, false, body => work.ReviewAsync(user.ToCaller(), id, body, ct))).Accepts<ReviewRequest>("application/json")
            .WithSummary("Approve a result in review (the item is done) or reject it with feedback (it is offered again).");
        items.MapPost("/cancel", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.CancelAsync(user.ToCaller(), id, ct)))
            .WithSummary("Cancel the item; an agent working on it is told to stop.");
        items.MapPost("/retry", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.RetryAsync(user.ToCaller(), id, ct)))
            .WithSummary("Gives a failed item one more attempt: back to ready for the coordinator.");
        items.MapPost("/messages", PostMessageAsync).Accepts<MessageRequest>("application/json")
            .WithSummary("Steer the assignee mid-run without stopping it (work.message); the message stays in the item's log.");
        items.MapPost("/pause", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.PauseAsync(user.ToCaller(), id, ct)))
            .WithSummary("Pause the item: it keeps its assignee and is never counted as stalled (work.paused).");
        items.MapPost("/resume", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.ResumeAsync(user.ToCaller(), id, ct)))
            .WithSummary("Resume a paused item (work.resumed).");
        items.MapPost("/late-results/{assignmentId:guid}/accept", (Guid id, Guid assignmentId, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.AcceptLateResultAsync(user.ToCaller(), id, assignmentId, ct)))
            .WithSummary("Accept a result that arrived after its attempt was revoked; the item is done with it.");
        items.MapPost("/complete", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<CompleteRequest>(request, true, body => work.CompleteAsync(user.ToCaller(), id, body, ct))).Accepts<CompleteRequest>("application/json")
            .WithSummary("A human finishes an item they took over, with a summary of the result.");

        // The assigned agent.
        items.MapPost("/accept", (Guid id, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => Run(() => work.AcceptAsync(user.ToCaller(), id, ct)))
            .WithSummary("The offered agent accepts the item and starts it (inProgress).");
        items.MapPost("/progress", (Guid id, HttpRequest request, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => WithBody<ProgressReport>(request, false, body => work.ProgressAsync(user.ToCaller(), id, body, ct))).Accepts<ProgressReport>("application/json")
            .WithSummary("The assigned agent reports progress (a fraction, a message, optional usage); this keeps its lease.");
        items.MapPost("/result", (Guid id, HttpRequest request, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => WithBody<ResultReport>(request, false, body => work.ResultAsync(user.ToCaller(), id, body, ct))).Accepts<ResultReport>("application/json")
            .WithSummary("The assigned agent delivers its result and artifacts: to review, or done when the group needs none.");
        items.MapPost("/decline", (Guid id, HttpRequest request, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => WithBody<DeclineReport>(request, true, body => work.DeclineAsync(user.ToCaller(), id, body, ct))).Accepts<DeclineReport>("application/json")
            .WithSummary("The agent declines the item, with a reason; it goes back to the coordinator.");
        return api;
    }

    private static async Task<Results<Ok<WorkItemView>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, WorkItemService workItems, CancellationToken cancellationToken)
        => ApiResults.Ok(await workItems.GetAsync(user.ToCaller(), id, cancellationToken));

    private static async Task<Results<Ok<IReadOnlyList<TrailEventView>>, ProblemHttpResult>> EventsAsync(
        Guid id, ClaimsPrincipal user, WorkItemService workItems, CancellationToken cancellationToken)
        => ApiResults.Ok(await workItems.EventsAsync(user.ToCaller(), id, cancellationToken));

    private static async Task<Results<Created<TrailEventView>, ProblemHttpResult>> PostMessageAsync(
        Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<MessageRequest>(request);
        return problem ?? ApiResults.Created(await work.MessageAsync(user.ToCaller(), id, body!, cancellationToken), _ => $"/api/v1/work-items/{id}/events");
    }

    private static async Task<Results<Ok<WorkItemView>, ProblemHttpResult>> Run(Func<Task<Coordinator.Calls.Outcome<WorkItemView>>> operation)
        => ApiResults.Ok(await operation());

    private static async Task<Results<Ok<WorkItemView>, ProblemHttpResult>> WithBody<T>(
        HttpRequest request, bool allowEmpty, Func<T, Task<Coordinator.Calls.Outcome<WorkItemView>>> operation)
    {
        var (body, problem) = await JsonBody.ReadAsync<T>(request, allowEmpty);
        return problem is not null ? problem : ApiResults.Ok(await operation(body!));
    }
}
