using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using ClawGroups.Coordinator.WorkItems;
using System.Text.Json;

namespace ClawGroups.Coordinator.Trail;

/// <summary>Appends to the audit trail inside the caller's unit of work, so an event exists exactly when its change does.</summary>
public static class TrailExtensions
{
    public static TrailEvent AddTrailEvent(
        this ClawDbContext context, Guid groupId, Caller actor, TrailEventType type, DateTimeOffset at, object? data = null,
        Guid? workItemId = null, Guid? agentId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trailEvent = NewEvent(groupId, actor, type, at, data, workItemId, agentId);
        context.TrailEvents.Add(trailEvent);
        return trailEvent;
    }

    /// <summary>The event <see cref="AddTrailEvent"/> would add, for a write that inserts many at once (RowsInOneStatement).</summary>
    public static TrailEvent NewEvent(
        Guid groupId, Caller actor, TrailEventType type, DateTimeOffset at, object? data = null, Guid? workItemId = null, Guid? agentId = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(type);
        return new TrailEvent
        {
            GroupId = groupId,
            WorkItemId = workItemId,
            AgentId = agentId,
            At = at,
            ActorKind = actor.Kind,
            ActorId = actor.Kind == Data.WorkItems.MemberKind.Coordinator ? null : actor.Id,
            Type = type.Name,
            DataJson = data is null ? "{}" : ClawJson.Serialize(data),
        };
    }

    /// <summary>The event as the API and live clients show it.</summary>
    public static TrailEventView ToView(this TrailEvent trailEvent)
    {
        ArgumentNullException.ThrowIfNull(trailEvent);
        using var data = JsonDocument.Parse(trailEvent.DataJson);
        return new TrailEventView(
            trailEvent.Id, trailEvent.At, new ActorView(WorkItemViews.KindName(trailEvent.ActorKind), trailEvent.ActorId), trailEvent.Type,
            data.RootElement.Clone(), trailEvent.WorkItemId, trailEvent.AgentId);
    }
}
