using System.Collections.Immutable;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// One group's data on this node, kept current by one subscription to the group feed and shared by every circuit that
/// shows the group (<see cref="SharedGroups"/>): its items, members and newest events are held and updated once, not once
/// per open page. Snapshots are immutable, so a render never sees a half-applied update. What a view shows does not depend
/// on who looks (access is checked per circuit before it follows), so one copy serves every person.
/// </summary>
public sealed class SharedGroup : IDisposable
{
    /// <summary>How many recent events the group keeps for the drawer's live log.</summary>
    public const int RecentEventLimit = 500;

    /// <summary>How many finished items a board holds; older ones are counted, not loaded.</summary>
    public const int FinishedItemLimit = 200;

    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private ImmutableList<Action> _followers = [];
    private Task<Failure?>? _loading;

    internal SharedGroup(Guid id, GroupFeed feed)
    {
        Id = id;
        // Subscribed before anything is loaded: a change committed during the load arrives as an update.
        _subscription = feed.Subscribe(id, Apply);
    }

    public Guid Id { get; }

    /// <summary>The group as loaded, with its name, description and review setting kept current; null until loaded.</summary>
    public GroupView? Group { get; private set; }

    public ImmutableDictionary<Guid, WorkItemView> Items { get; private set; } = ImmutableDictionary<Guid, WorkItemView>.Empty;

    public ImmutableDictionary<Guid, MemberView> Members { get; private set; } = ImmutableDictionary<Guid, MemberView>.Empty;

    public ImmutableList<TrailEventView> RecentEvents { get; private set; } = [];

    /// <summary>Finished items of the group that were not loaded.</summary>
    public int HiddenFinished { get; private set; }

    /// <summary>How many circuits follow the group (for the registry and tests).</summary>
    internal int FollowerCount => _followers.Count;

    /// <summary>Puts a view a circuit got from its own action in place at once, without waiting for the feed.</summary>
    public void Apply(WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            Items = Newer(Items, item);
        }
    }

    public void Dispose() => _subscription.Dispose();

    internal void Follow(Action onChanged) => ImmutableInterlocked.Update(ref _followers, list => list.Add(onChanged));

    internal void Unfollow(Action onChanged) => ImmutableInterlocked.Update(ref _followers, list => list.Remove(onChanged));

    /// <summary>
    /// The load every follower waits for: the one running, or <paramref name="load"/> started now. A load that failed is
    /// forgotten, so that the next follower tries with its own.
    /// </summary>
    internal Task<Failure?> LoadedAsync(Func<Task<Outcome<(GroupView Group, BoardView Board)>>> load, out bool started)
    {
        lock (_gate)
        {
            started = _loading is null;
            _loading ??= LoadAsync(load);
            return _loading;
        }
    }

    private async Task<Failure?> LoadAsync(Func<Task<Outcome<(GroupView Group, BoardView Board)>>> load)
    {
        Outcome<(GroupView Group, BoardView Board)> loaded;
        try
        {
            loaded = await load();
        }
        catch
        {
            Forget();
            throw;
        }

        if (!loaded.Succeeded)
        {
            Forget();
            return loaded.Failure;
        }

        var (group, board) = loaded.Value;
        lock (_gate)
        {
            Group = group;
            HiddenFinished = board.HiddenFinished;
            foreach (var item in board.Items)
            {
                Items = Newer(Items, item);
            }

            // A member changed while the load ran is newer than the load's.
            foreach (var member in group.Members)
            {
                Members = Members.ContainsKey(member.Id) ? Members : Members.SetItem(member.Id, member);
            }
        }

        return null;

        void Forget()
        {
            lock (_gate)
            {
                _loading = null;
            }
        }
    }

    private Task Apply(IReadOnlyList<LiveUpdate> updates)
    {
        lock (_gate)
        {
            foreach (var update in updates.Where(u => u.GroupId == Id))
            {
                switch (update)
                {
                    case WorkItemChanged changed:
                        Items = Newer(Items, changed.Item);
                        break;
                    case MemberChanged changed when changed.Member.Status == MemberStatuses.Revoked:
                        Members = Members.Remove(changed.Member.Id);
                        break;
                    case MemberChanged changed:
                        Members = Members.SetItem(changed.Member.Id, changed.Member);
                        break;
                    case GroupChanged changed when Group is not null:
                        Group = Group with { Name = changed.Group.Name, Description = changed.Group.Description, RequireReview = changed.Group.RequireReview };
                        break;
                    case EventAppended appended when RecentEvents.All(e => e.Id != appended.Event.Id):
                        RecentEvents = RecentEvents.Add(appended.Event);
                        if (RecentEvents.Count > RecentEventLimit)
                        {
                            RecentEvents = RecentEvents.RemoveRange(0, RecentEvents.Count - RecentEventLimit);
                        }

                        break;
                }
            }
        }

        foreach (var onChanged in _followers)
        {
            onChanged();
        }

        return Task.CompletedTask;
    }

    /// <summary>Keeps the newer of two views of an item: updates can overtake a load that started earlier.</summary>
    private static ImmutableDictionary<Guid, WorkItemView> Newer(ImmutableDictionary<Guid, WorkItemView> items, WorkItemView item)
        => items.TryGetValue(item.Id, out var current) && current.UpdatedAt > item.UpdatedAt ? items : items.SetItem(item.Id, item);
}
