using System.Security.Claims;
using System.Text.Json;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>Agents: registration with a join token, then their own heartbeats, pulls and credentials.</summary>
internal static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents");
        agents.MapPost("/", RegisterAsync).AllowAnonymous().Accepts<JsonElement>("application/json").WithMetadata(new CredentialsInResponse())
            .WithSummary("Register an agent with a join token (Authorization: Bearer cg_join_…) and an A2A agent card.");
        agents.MapPost("/{agentId:guid}/heartbeat", HeartbeatAsync).Accepts<HeartbeatRequest>("application/json")
            .WithSummary("Keep the agent's leases; pull agents receive their pending messages in the answer.");
        agents.MapPost("/{agentId:guid}/signoff", SignOffAsync)
            .WithSummary("The agent leaves: no offers until its next heartbeat; offers it had not accepted move on at once.");
        agents.MapGet("/{agentId:guid}/work", PullAsync).WithMetadata(new LongPoll())
            .WithSummary("The next work item offered to this agent (200), or 204 when none arrives within waitSeconds.");
        agents.MapPost("/{agentId:guid}/rotate-key", RotateKeyAsync).WithMetadata(new CredentialsInResponse())
            .WithSummary("The agent gets a new API key; the old one stops working at once.");
        agents.MapPost("/{agentId:guid}/revoke", RevokeAsync).WithSummary("A human of the group revokes the agent for good.");
        return api;
    }

    private static async Task<Results<Created<AgentRegistered>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, AgentRegistrationService registration, CancellationToken cancellationToken)
    {
        var (card, problem) = await JsonBody.ReadAsync<JsonElement>(request);
        if (problem is not null)
        {
            return problem;
        }

        var joinToken = BearerTokenAuthenticationHandler.BearerToken(request);
        // No Location: there is no resource to GET an agent's registration from (its key is shown this once).
        // An A2A agent that pushes its task updates is told to push them back to where it registered (unless configured).
        var callbackBase = $"{request.Scheme}://{request.Host}{request.PathBase}/";
        return ApiResults.Created(await registration.RegisterAsync(joinToken, card, cancellationToken, callbackBase));
    }

    private static async Task<Results<Ok<HeartbeatAnswer>, ProblemHttpResult>> HeartbeatAsync(
        Guid agentId, HttpRequest request, ClaimsPrincipal user, AgentPresenceService presence, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<HeartbeatRequest>(request, allowEmpty: true);
        return problem ?? ApiResults.Ok(await presence.HeartbeatAsync(user.ToCaller(), agentId, body!, cancellationToken));
    }

    private static async Task<Results<Ok<SignOffAnswer>, ProblemHttpResult>> SignOffAsync(
        Guid agentId, ClaimsPrincipal user, AgentPresenceService presence, CancellationToken cancellationToken)
        => ApiResults.Ok(await presence.SignOffAsync(user.ToCaller(), agentId, cancellationToken));

    private static async Task<Results<Ok<WorkItemView>, NoContent, ProblemHttpResult>> PullAsync(
        Guid agentId, int? waitSeconds, ClaimsPrincipal user, AgentPresenceService presence, CancellationToken cancellationToken)
    {
        var outcome = await presence.PullAsync(user.ToCaller(), agentId, waitSeconds ?? 0, cancellationToken);
        if (!outcome.Succeeded)
        {
            return ApiResults.Problem(outcome.Failure!);
        }

        return outcome.Value is { } item ? TypedResults.Ok(item) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AgentKeyRotated>, ProblemHttpResult>> RotateKeyAsync(
        Guid agentId, ClaimsPrincipal user, AgentRegistrationService registration, CancellationToken cancellationToken)
        => ApiResults.Ok(await registration.RotateKeyAsync(user.ToCaller(), agentId, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid agentId, ClaimsPrincipal user, AgentRegistrationService registration, CancellationToken cancellationToken)
    {
        var outcome = await registration.RevokeAsync(user.ToCaller(), agentId, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome.Failure!);
    }
}
