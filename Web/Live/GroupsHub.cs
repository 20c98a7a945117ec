using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Live;

/// <summary>
/// The live-updates hub of docs/API.md: <c>JoinGroup(groupId)</c> subscribes the connection to the group's
/// <c>workItemChanged</c>, <c>memberChanged</c> and <c>eventAppended</c>. The group's people may join (browser
/// cookie or personal access token). Agents may not: the stream carries every item of the group, and an agent
/// sees only its own work; it gets that by webhook or pull.
/// </summary>
/// <remarks>
/// Untyped on purpose: a typed <c>Hub&lt;T&gt;</c> names client methods after C# methods (PascalCase), while
/// the contract's names are camelCase, and .NET clients match method names exactly.
/// </remarks>
[Authorize]
public sealed class GroupsHub(IDbContextFactory<ClawDbContext> contexts, HubFollowers followers) : Hub
{
    public const string Path = "/hubs/groups";

    public async Task JoinGroup(Guid groupId)
    {
        var caller = Context.User!.ToCaller();
        if (caller.IsAgent)
        {
            throw new HubException("Agents get their own work by webhook or pull; the live stream of a group is for its people.");
        }

        await using var context = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
        if (await context.CheckGroupAccessAsync(caller, groupId, Context.ConnectionAborted) is { } denied)
        {
            // HubException's message reaches the client; anything else would be hidden behind a generic error.
            throw new HubException(denied.Detail);
        }

        // Followed before the client's first read of the group (it reads after joining), so no change is skipped unseen.
        followers.Joined(Context.ConnectionId, groupId);
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(groupId), Context.ConnectionAborted);
    }

    public async Task LeaveGroup(Guid groupId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(groupId), Context.ConnectionAborted);
        followers.Left(Context.ConnectionId, groupId);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        followers.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public static string GroupName(Guid groupId) => $"group:{groupId:N}";
}
