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
        items.MapGet("/", GetAsync);
        items.MapGet("/events", EventsAsync);
        items.MapPatch("/", (Guid id, HttpRequest request, ClaimsPrincipal user, WorkItemService workItems, CancellationToken ct)
            => WithBody<EditWorkItemRequest>(request, false, body => workItems.EditAsync(user.ToCaller(), id, body, ct))).Accepts<EditWorkItemRequest>("application/json")
            .WithSummary("Edits an item no member holds (backlog, ready, stalled, failed): its text is read again and a routing question withdrawn.");

        // Humans.
        items.MapPost("/takeover", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.TakeOverAsync(user.ToCaller(), id, ct)));
        items.MapPost("/handback", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<HandBackRequest>(request, true, body => work.HandBackAsync(user.ToCaller(), id, body, ct))).Accepts<HandBackRequest>("application/json");
        items.MapPost("/reassign", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<ReassignRequest>(request, false, body => work.ReassignAsync(user.ToCaller(), id, body, ct))).Accepts<ReassignRequest>("application/json");
        items.MapPost("/review", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<ReviewRequest>(request, false, body => work.ReviewAsync(user.ToCaller(), id, body, ct))).Accepts<ReviewRequest>("application/json");
        items.MapPost("/cancel", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.CancelAsync(user.ToCaller(), id, ct)));
        items.MapPost("/retry", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.RetryAsync(user.ToCaller(), id, ct)))
            .WithSummary("Gives a failed item one more attempt: back to ready for the coordinator.");
        items.MapPost("/messages", PostMessageAsync).Accepts<MessageRequest>("application/json");
        items.MapPost("/pause", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.PauseAsync(user.ToCaller(), id, ct)));
        items.MapPost("/resume", (Guid id, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.ResumeAsync(user.ToCaller(), id, ct)));
        items.MapPost("/late-results/{assignmentId:guid}/accept", (Guid id, Guid assignmentId, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => Run(() => work.AcceptLateResultAsync(user.ToCaller(), id, assignmentId, ct)))
            .WithSummary("Accept a result that arrived after its attempt was revoked; the item is done with it.");
        items.MapPost("/complete", (Guid id, HttpRequest request, ClaimsPrincipal user, HumanWorkService work, CancellationToken ct)
            => WithBody<CompleteRequest>(request, true, body => work.CompleteAsync(user.ToCaller(), id, body, ct))).Accepts<CompleteRequest>("application/json");

        // The assigned agent.
        items.MapPost("/accept", (Guid id, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => Run(() => work.AcceptAsync(user.ToCaller(), id, ct)));
        items.MapPost("/progress", (Guid id, HttpRequest request, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => WithBody<ProgressReport>(request, false, body => work.ProgressAsync(user.ToCaller(), id, body, ct))).Accepts<ProgressReport>("application/json");
        items.MapPost("/result", (Guid id, HttpRequest request, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => WithBody<ResultReport>(request, false, body => work.ResultAsync(user.ToCaller(), id, body, ct))).Accepts<ResultReport>("application/json");
        items.MapPost("/decline", (Guid id, HttpRequest request, ClaimsPrincipal user, AgentWorkService work, CancellationToken ct)
            => WithBody<DeclineReport>(request, true, body => work.DeclineAsync(user.ToCaller(), id, body, ct))).Accepts<DeclineReport>("application/json");
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
