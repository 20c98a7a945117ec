using System.Security.Claims;
using System.Text.Json;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>A person's own profile in a group: what the coordinator may route to them (docs/API.md, "Goals, plans and people as assignees").</summary>
internal static class MembersApi
{
    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/groups/{groupId:guid}/members/me").WithTags("Groups");
        me.MapGet("/", GetAsync).WithSummary("The caller's profile in the group: skills, capacity, whether they take work, and whether they count as present.");
        me.MapPut("/", PutAsync).Accepts<PersonProfileRequest>("application/json")
            .WithSummary("Set the caller's skills (as an agent card's), capacity and acceptsWork; while present and under capacity they are offered work.");
        return api;
    }

    private static async Task<Results<Ok<PersonProfileView>, ProblemHttpResult>> GetAsync(
        Guid groupId, ClaimsPrincipal user, PersonProfileService profiles, CancellationToken cancellationToken)
        => ApiResults.Ok(await profiles.GetAsync(user.ToCaller(), groupId, cancellationToken));

    private static async Task<Results<Ok<PersonProfileView>, ProblemHttpResult>> PutAsync(
        Guid groupId, HttpRequest request, ClaimsPrincipal user, PersonProfileService profiles, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<JsonElement>(request);
        return problem ?? ApiResults.Ok(await profiles.UpdateAsync(user.ToCaller(), groupId, body, cancellationToken));
    }
}
