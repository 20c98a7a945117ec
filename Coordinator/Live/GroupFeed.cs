using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// This node's in-process subscription point for live updates, per group. Blazor circuits subscribe here
/// (no polling, no SignalR client inside the server); the hub's sink is another subscriber of the same stream.
/// </summary>
public sealed partial class GroupFeed(ILogger<GroupFeed> logger) : ILiveSink
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _subscribers = new();

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

    /// <summary>Hands a batch to the group's subscribers; one failing subscriber never keeps it from the others.</summary>
    public async Task PublishAsync(IReadOnlyList<LiveUpdate> updates)
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
                try
                {
                    await subscription.OnUpdates(batch);
                }
#pragma warning disable CA1031 // A broken circuit must not stop the feed for everyone else.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogSubscriberFailed(logger, exception, group.Key);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live-update subscriber of group {GroupId} failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, Guid groupId);

    private sealed class Subscription(GroupFeed feed, Guid groupId, Func<IReadOnlyList<LiveUpdate>, Task> onUpdates) : IDisposable
    {
        public Func<IReadOnlyList<LiveUpdate>, Task> OnUpdates { get; } = onUpdates;

        public void Dispose()
        {
            if (feed._subscribers.TryGetValue(groupId, out var set))
            {
                set.TryRemove(this, out _);
            }
        }
    }
}
