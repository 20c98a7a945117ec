using System.Threading.Channels;
using ClawGroups.Coordinator.Cluster;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// The queue between committed changes and live clients. Writers never wait (a request must not slow down
/// because a browser is slow); the pump drains it in batches. Losing it in a crash loses no data: clients
/// reload the current state when they reconnect.
/// </summary>
public sealed class LiveChanges(IClusterBus cluster)
{
    private readonly Channel<LiveChange> _channel = Channel.CreateUnbounded<LiveChange>(new UnboundedChannelOptions { SingleReader = true });

    internal ChannelReader<LiveChange> Reader => _channel.Reader;

    /// <summary>
    /// Reports a change this node committed, for its own live clients and the other nodes'. Tracked entity
    /// changes are captured automatically; set-based writes report here.
    /// </summary>
    public void Add(LiveChange change)
    {
        _channel.Writer.TryWrite(change);
        cluster.Publish(change);
    }

    /// <summary>Reports a change another node committed, for this node's live clients only.</summary>
    public void AddFromOtherNode(LiveChange change) => _channel.Writer.TryWrite(change);
}
