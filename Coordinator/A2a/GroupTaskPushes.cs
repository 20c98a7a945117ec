using System.Collections.Concurrent;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Live;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// The push-notification configs clients registered for their tasks, and the live subscription that pushes each change of
/// those tasks' items. Kept in this node's memory (decision 0026): a push is a courtesy that is never retried, a client
/// that misses one reads the task with <c>GetTask</c>, and a restart asks clients to register again.
/// </summary>
public sealed class GroupTaskPushes(GroupFeed feed, GroupTaskPushSender sender) : IDisposable
{
    /// <summary>Configs one task may have, so a client cannot make one change fan out without bound.</summary>
    public const int MaxPerTask = 10;

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, TaskPushNotificationConfig>> _byItem = new();
    private readonly ConcurrentDictionary<Guid, IDisposable> _followed = new();

    /// <summary>Registers (or replaces, by id) a config for the item's task; null when the task has all it may have.</summary>
    public TaskPushNotificationConfig? Register(Guid groupId, Guid workItemId, TaskPushNotificationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var configs = _byItem.GetOrAdd(workItemId, _ => new());
        var stored = config with { Id = string.IsNullOrEmpty(config.Id) ? Guid.NewGuid().ToString() : config.Id, TaskId = GroupTaskViews.TaskId(workItemId) };
        lock (configs)
        {
            if (!configs.ContainsKey(stored.Id!) && configs.Count >= MaxPerTask)
            {
                return null;
            }

            configs[stored.Id!] = stored;
        }

        _followed.GetOrAdd(groupId, id => feed.Subscribe(id, PushAsync));
        return stored;
    }

    public TaskPushNotificationConfig? Get(Guid workItemId, string id)
        => _byItem.TryGetValue(workItemId, out var configs) && configs.TryGetValue(id, out var config) ? config : null;

    public IReadOnlyList<TaskPushNotificationConfig> List(Guid workItemId)
        => _byItem.TryGetValue(workItemId, out var configs) ? configs.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList() : [];

    public bool Delete(Guid workItemId, string id) => _byItem.TryGetValue(workItemId, out var configs) && configs.TryRemove(id, out _);

    public void Dispose()
    {
        foreach (var subscription in _followed.Values)
        {
            subscription.Dispose();
        }
    }

    private async Task PushAsync(IReadOnlyList<LiveUpdate> updates)
    {
        foreach (var changed in updates.OfType<WorkItemChanged>())
        {
            if (_byItem.TryGetValue(changed.Item.Id, out var configs) && !configs.IsEmpty)
            {
                var body = new StreamResponse { Task = changed.Item.ToTask() };
                await Task.WhenAll(configs.Values.Select(config => sender.SendAsync(config, body)));
            }
        }
    }
}
