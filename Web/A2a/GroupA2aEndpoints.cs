using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Web.Accounts;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.A2a;

/// <summary>
/// A group as an A2A agent (docs/API.md, "A2A"): its public card and its JSON-RPC endpoint, both answering 404 while the
/// group's owners have not turned A2A on. Outside <c>/api/v1</c> because the A2A SDKs find the endpoint from the card.
/// </summary>
public static class GroupA2aEndpoints
{
    public static WebApplication MapGroupA2a(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var a2a = app.MapGroup(GroupAgentCardUrls.PathPrefix + "/{groupId:guid}").WithTags("A2A");
        a2a.MapGet("/.well-known/agent-card.json", CardAsync).AllowAnonymous()
            .WithSummary("The group's A2A agent card: public while the group has a2aEnabled, 404 otherwise.");
        // The REST API's per-caller rate limit, not its request timeout: a SendMessage may wait for the work a minute.
        a2a.MapPost("/", GroupA2aRpc.HandleAsync).RequireAuthorization(ClawClaims.ApiPolicy).RequireRateLimiting(ApiHosting.RateLimitPolicy)
            .WithSummary("The group's A2A v1.0 JSON-RPC endpoint (SendMessage, GetTask, CancelTask, streaming, push configs); a member's token.");
        return app;
    }

    // Written with A2A's JSON (TASK_STATE_… enums, unset fields left out), not the REST API's.
    private static async Task<Results<JsonHttpResult<A2aAgentCard>, ProblemHttpResult>> CardAsync(
        Guid groupId, HttpRequest request, GroupAgentCards cards, CancellationToken cancellationToken)
        => await cards.CardAsync(groupId, BaseUri(request), cancellationToken) is { } card
            ? TypedResults.Json(card, A2aJson.Options)
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No A2A agent here", $"Group {groupId} does not answer over A2A.");

    /// <summary>The address the client reached the server at, to which the card's endpoint URL is relative.</summary>
    internal static string BaseUri(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/";
}
