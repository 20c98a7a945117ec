namespace ClawGroups.Coordinator.Live;

/// <summary>What a committed change touched; the pump turns these into <see cref="LiveUpdate"/>s with the current views.</summary>
public enum LiveChangeKind
{
    WorkItem,
    Agent,
    Human,
    Event,
    Group,
}

/// <summary>One thing that changed: its kind, its group, and its id (a trail event's id is a number).</summary>
public readonly record struct LiveChange(LiveChangeKind Kind, Guid GroupId, Guid Id, long EventId = 0)
{
    public static LiveChange WorkItem(Guid groupId, Guid workItemId) => new(LiveChangeKind.WorkItem, groupId, workItemId);

    public static LiveChange Agent(Guid groupId, Guid agentId) => new(LiveChangeKind.Agent, groupId, agentId);

    public static LiveChange Human(Guid groupId, Guid userId) => new(LiveChangeKind.Human, groupId, userId);

    public static LiveChange Event(Guid groupId, long eventId) => new(LiveChangeKind.Event, groupId, Guid.Empty, eventId);

    public static LiveChange Group(Guid groupId) => new(LiveChangeKind.Group, groupId, groupId);
}
