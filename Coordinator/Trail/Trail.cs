using ClawGroups.Coordinator.Access;
using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;

namespace ClawGroups.Coordinator.Trail;

/// <summary>Appends to the audit trail inside the caller's unit of work, so an event exists exactly when its change does.</summary>
public static class TrailExtensions
{
    public static TrailEvent AddTrailEvent(
        this ClawDbContext context, Guid groupId, Caller actor, string type, DateTimeOffset at, object? data = null,
        Guid? workItemId = null, Guid? agentId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(actor);
        var trailEvent = new TrailEvent
        {
            GroupId = groupId,
            WorkItemId = workItemId,
            AgentId = agentId,
            At = at,
            ActorKind = actor.Kind,
            ActorId = actor.Kind == Data.WorkItems.MemberKind.Coordinator ? null : actor.Id,
            Type = type,
            DataJson = data is null ? "{}" : ClawJson.Serialize(data),
        };
        context.TrailEvents.Add(trailEvent);
        return trailEvent;
    }
}
