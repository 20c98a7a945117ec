using ClawGroups.Web.Accounts;
using System.Security.Claims;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.UsageTotals;
using ClawGroups.Coordinator.WorkItems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>Groups, their join tokens and their work items (docs/API.md, "Groups and humans", "Work items").</summary>
internal static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups").WithTags("Groups");
        groups.MapPost("/", CreateGroupAsync).Accepts<CreateGroupRequest>("application/json")
            .WithSummary("Create a group; the caller becomes its owner. With requireReview (the default) results go to review.");
        groups.MapGet("/", ListGroupsAsync).WithSummary("The caller's groups (every group for the instance owner), with counts of their work.");
        groups.MapGet("/{groupId:guid}", GetGroupAsync).WithSummary("A group with its members, humans and agents, and their status.");
        groups.MapPatch("/{groupId:guid}", UpdateSettingsAsync).Accepts<UpdateGroupSettingsRequest>("application/json", "application/merge-patch+json")
            .WithSummary("Change a group's name, description, review rule and overrides (owners only); a field left out stays, null means the default.");
        groups.MapPost("/{groupId:guid}/join-tokens", CreateJoinTokenAsync).Accepts<CreateJoinTokenRequest>("application/json")
            .WithSummary("Create a join token (cg_join_…) that lets agents register in the group; shown this once.");
        groups.MapPost("/{groupId:guid}/work-items", CreateWorkItemAsync).Accepts<CreateWorkItemRequest>("application/json")
            .WithSummary("Create a work item; the coordinator offers it to the best-matching member once what it waits for is done.");
        groups.MapGet("/{groupId:guid}/work-items", ListWorkItemsAsync).WithSummary("The group's work items, optionally only those in one state.");
        groups.MapGet("/{groupId:guid}/usage", UsageAsync).WithSummary("Tokens and cost reported by the group's agents, in all and per agent.");
        return api;
    }

    private static async Task<Results<Created<GroupView>, ProblemHttpResult>> CreateGroupAsync(
        HttpRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateGroupRequest>(request);
        return problem ?? ApiResults.Created(await groups.CreateAsync(user.ToCaller(), body!, cancellationToken), g => $"/api/v1/groups/{g.Id}");
    }

    private static async Task<Results<Ok<IReadOnlyList<GroupSummaryView>>, ProblemHttpResult>> ListGroupsAsync(
        ClaimsPrincipal user, GroupService groups, CancellationToken cancellationToken)
        => ApiResults.Ok(await groups.ListAsync(user.ToCaller(), cancellationToken));

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> GetGroupAsync(
        Guid groupId, ClaimsPrincipal user, GroupService groups, CancellationToken cancellationToken)
        => ApiResults.Ok(await groups.GetAsync(user.ToCaller(), groupId, cancellationToken));

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> UpdateSettingsAsync(
        Guid groupId, HttpRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<UpdateGroupSettingsRequest>(request);
        return problem ?? ApiResults.Ok(await groups.UpdateSettingsAsync(user.ToCaller(), groupId, body!, cancellationToken));
    }

    private static async Task<Results<Created<JoinTokenView>, ProblemHttpResult>> CreateJoinTokenAsync(
        Guid groupId, HttpRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateJoinTokenRequest>(request, allowEmpty: true);
        return problem ?? ApiResults.Created(
            await groups.CreateJoinTokenAsync(user.ToCaller(), groupId, body!, cancellationToken), _ => $"/api/v1/groups/{groupId}");
    }

    private static async Task<Results<Created<WorkItemView>, ProblemHttpResult>> CreateWorkItemAsync(
        Guid groupId, HttpRequest request, ClaimsPrincipal user, WorkItemService workItems, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateWorkItemRequest>(request);
        return problem ?? ApiResults.Created(
            await workItems.CreateAsync(user.ToCaller(), groupId, body!, cancellationToken), w => $"/api/v1/work-items/{w.Id}");
    }

    private static async Task<Results<Ok<GroupUsageView>, ProblemHttpResult>> UsageAsync(
        Guid groupId, ClaimsPrincipal user, UsageService usage, CancellationToken cancellationToken)
        => ApiResults.Ok(await usage.ForGroupAsync(user.ToCaller(), groupId, cancellationToken));

    private static async Task<Results<Ok<IReadOnlyList<WorkItemView>>, ProblemHttpResult>> ListWorkItemsAsync(
        Guid groupId, string? state, ClaimsPrincipal user, WorkItemService workItems, CancellationToken cancellationToken)
        => ApiResults.Ok(await workItems.ListAsync(user.ToCaller(), groupId, state, cancellationToken));
}
