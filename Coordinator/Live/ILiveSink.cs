namespace ClawGroups.Coordinator.Live;

/// <summary>Where the pump hands each batch of live updates: this node's circuits, the SignalR hub's clients.</summary>
public interface ILiveSink
{
    Task PublishAsync(IReadOnlyList<LiveUpdate> updates);
}
