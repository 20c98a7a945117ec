using System.Collections.Concurrent;

namespace ClawGroups.Web.Live;

/// <summary>
/// Which groups this node's hub connections have joined, so the live-update pump can skip groups nobody here follows.
/// SignalR keeps its groups to itself (and they are per node: there is no backplane, decision 0013), so the hub tells
/// this as connections join, leave and go.
/// </summary>
public sealed class HubFollowers
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, int> _byGroup = new();

    public bool Follows(Guid groupId) => _byGroup.TryGetValue(groupId, out var count) && count > 0;

    public void Joined(string connectionId, Guid groupId)
    {
        if (_byConnection.GetOrAdd(connectionId, _ => new()).TryAdd(groupId, 0))
        {
            _byGroup.AddOrUpdate(groupId, 1, (_, count) => count + 1);
        }
    }

    public void Left(string connectionId, Guid groupId)
    {
        if (_byConnection.TryGetValue(connectionId, out var groups) && groups.TryRemove(groupId, out _))
        {
            Forget(groupId);
        }
    }

    public void Disconnected(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var groups))
        {
            foreach (var groupId in groups.Keys)
            {
                Forget(groupId);
            }
        }
    }

    private void Forget(Guid groupId)
    {
        if (_byGroup.AddOrUpdate(groupId, 0, (_, count) => Math.Max(0, count - 1)) == 0)
        {
            _byGroup.TryRemove(new KeyValuePair<Guid, int>(groupId, 0));
        }
    }
}
