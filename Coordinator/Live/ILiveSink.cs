namespace ClawGroups.Coordinator.Live;

/// <summary>Where the pump hands each batch of live updates: this node's circuits, the SignalR hub's clients.</summary>
public interface ILiveSink
{
    /// <summary>
    /// Whether a client of this node follows the group now. The pump reads views only for groups some sink follows:
    /// a client that starts following subscribes before it loads the group, so nothing skipped before can be missing.
    /// </summary>
    bool Follows(Guid groupId);

    Task PublishAsync(IReadOnlyList<LiveUpdate> updates);
}
