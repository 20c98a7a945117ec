using ClawGroups.Coordinator.Live;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// The groups open on this node, each held once for all the circuits that show it (<see cref="SharedGroup"/>): with hundreds
/// of boards open on a few groups, a circuit's own copy of its group (the items' views with their routing candidates, the
/// members with their skills, the newest events) was a large part of what every open board cost the server. A group is held
/// from its first circuit's following until its last one leaves.
/// </summary>
public sealed class SharedGroups(GroupFeed feed)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, SharedGroup> _groups = [];

    /// <summary>
    /// Follows the group: <paramref name="onChanged"/> is called (on the feed's thread) after each batch of its live updates
    /// until the returned following is disposed. The group's data is what circuits read and merged into it
    /// (<see cref="SharedGroup.Merge"/>); a group no circuit has read yet is empty.
    /// </summary>
    public Following Follow(Guid groupId, Action onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        lock (_gate)
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                group = new SharedGroup(groupId, feed);
                _groups.Add(groupId, group);
            }

            group.Follow(onChanged);
            return new Following(this, group, onChanged);
        }
    }

    /// <summary>How many groups this node holds (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _groups.Count;
            }
        }
    }

    private void Leave(SharedGroup group, Action onChanged)
    {
        lock (_gate)
        {
            group.Unfollow(onChanged);
            if (group.FollowerCount == 0 && _groups.TryGetValue(group.Id, out var held) && ReferenceEquals(held, group))
            {
                _groups.Remove(group.Id);
                group.Dispose();
            }
        }
    }

    /// <summary>A circuit following a group; disposing it stops the circuit hearing of changes, and drops the group with its last.</summary>
    public sealed class Following(SharedGroups groups, SharedGroup group, Action onChanged) : IDisposable
    {
        private int _disposed;

        public SharedGroup Group { get; } = group;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                groups.Leave(Group, onChanged);
            }
        }
    }
}
