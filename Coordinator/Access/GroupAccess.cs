using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Access;

/// <summary>Who may see and touch a group: its humans (and the instance owner), and its own agents.</summary>
public static class GroupAccess
{
    /// <summary>Null when the caller may act in the group; otherwise why not (unknown group, or not theirs).</summary>
    public static async Task<Failure?> CheckGroupAccessAsync(
        this ClawDbContext context, Caller caller, Guid groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        if (!await context.Groups.AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return Failure.NotFound("group", groupId);
        }

        var allowed = caller.IsAgent
            ? caller.AgentGroupId == groupId
            : caller.IsInstanceOwner || await context.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == caller.Id, cancellationToken);
        return allowed ? null : Failure.Forbidden("This group belongs to others: these credentials are not a member of it.");
    }

    /// <summary>A human-only operation refuses agents with 403.</summary>
    public static Failure? RequireHuman(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsHuman ? null : Failure.Forbidden("Only a human member may do this; agent keys cannot.");
    }
}
