using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// This node's in-process subscription point for live updates, per group. Blazor circuits subscribe here
/// (no polling, no SignalR client inside the server); the hub's sink is another consumer of the same batches.
/// Each subscription has its own queue and reader, so a slow circuit delays only itself, never the feed or the
/// other subscribers, and still gets its batches in order.
/// </summary>
public sealed partial class GroupFeed(ILogger<GroupFeed> logger) : ILiveSink
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _subscribers = new();
    private readonly ILogger<GroupFeed> _logger = logger;

    /// <summary>Calls <paramref name="onUpdates"/> with every batch of committed changes in the group until disposed.</summary>
    public IDisposable Subscribe(Guid groupId, Func<IReadOnlyList<LiveUpdate>, Task> onUpdates)
    {
        ArgumentNullException.ThrowIfNull(onUpdates);
        var subscription = new Subscription(this, groupId, onUpdates);
        _subscribers.GetOrAdd(groupId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>How many subscriptions the group has on this node (for tests and diagnostics).</summary>
    public int SubscriberCount(Guid groupId) => _subscribers.TryGetValue(groupId, out var set) ? set.Count : 0;

    public bool Follows(Guid groupId) => SubscriberCount(groupId) > 0;

    /// <summary>Queues a batch for the group's subscribers without waiting for any of them.</summary>
    public Task PublishAsync(IReadOnlyList<LiveUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var group in updates.GroupBy(u => u.GroupId))
        {
            if (!_subscribers.TryGetValue(group.Key, out var set) || set.IsEmpty)
            {
                continue;
            }

            var batch = group.ToList();
            foreach (var subscription in set.Keys)
            {
                subscription.Enqueue(batch);
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live-update subscriber of group {GroupId} failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, Guid groupId);

    private sealed class Subscription : IDisposable
    {
        private readonly GroupFeed _feed;
        private readonly Guid _groupId;
        private readonly Func<IReadOnlyList<LiveUpdate>, Task> _onUpdates;
        private readonly Channel<IReadOnlyList<LiveUpdate>> _queue =
            Channel.CreateUnbounded<IReadOnlyList<LiveUpdate>>(new UnboundedChannelOptions { SingleReader = true });

        public Subscription(GroupFeed feed, Guid groupId, Func<IReadOnlyList<LiveUpdate>, Task> onUpdates)
        {
            (_feed, _groupId, _onUpdates) = (feed, groupId, onUpdates);
            _ = Task.Run(DeliverAsync);
        }

        public void Enqueue(IReadOnlyList<LiveUpdate> batch) => _queue.Writer.TryWrite(batch);

        public void Dispose()
        {
            _queue.Writer.TryComplete();
            if (_feed._subscribers.TryGetValue(_groupId, out var set))
            {
                set.TryRemove(this, out _);
            }
        }

        private async Task DeliverAsync()
        {
            await foreach (var batch in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    await _onUpdates(batch);
                }
#pragma warning disable CA1031 // A broken circuit must not stop its own feed, let alone anyone else's.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogSubscriberFailed(_feed._logger, exception, _groupId);
                }
            }
        }
    }
}
