using System.Collections.Immutable;
using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// One group as a circuit sees it, kept current by the group feed: its work items, its members and the newest
/// events. The board, the roster and the drawer share it (scoped to the circuit) and re-render on
/// <see cref="Changed"/>. Snapshots are immutable, so a render never sees a half-applied update.
/// </summary>
public sealed class LiveGroup(WorkspaceSession session, GroupFeed feed) : IDisposable
{
    /// <summary>How many recent events the circuit keeps for the drawer's live log.</summary>
    public const int RecentEventLimit = 500;

    private readonly Lock _gate = new();
    private IDisposable? _subscription;

    public GroupView? Group { get; private set; }

    public Guid GroupId { get; private set; }

    public ImmutableDictionary<Guid, WorkItemView> Items { get; private set; } = ImmutableDictionary<Guid, WorkItemView>.Empty;

    public ImmutableDictionary<Guid, MemberView> Members { get; private set; } = ImmutableDictionary<Guid, MemberView>.Empty;

    public ImmutableList<TrailEventView> RecentEvents { get; private set; } = [];

    /// <summary>Raised after live updates were applied; called on the feed's thread, so handlers use InvokeAsync.</summary>
    public event Func<Task>? Changed;

    /// <summary>Loads the group (again, when it is another one) and follows its changes.</summary>
    public async Task<Failure?> OpenAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        if (GroupId == groupId && Group is not null)
        {
            return null;
        }

        _subscription?.Dispose();
        GroupId = groupId;
        // Subscribe before loading: a change committed during the load arrives as an update and is not lost.
        _subscription = feed.Subscribe(groupId, ApplyAsync);
        var group = await session.RunAsync<GroupService, GroupView>((groups, caller, ct) => groups.GetAsync(caller, groupId, ct), cancellationToken);
        if (!group.Succeeded)
        {
            _subscription.Dispose();
            _subscription = null;
            Group = null;
            return group.Failure;
        }

        var items = await session.RunAsync<WorkItemService, IReadOnlyList<WorkItemView>>(
            (workItems, caller, ct) => workItems.ListAsync(caller, groupId, null, ct), cancellationToken);
        if (!items.Succeeded)
        {
            return items.Failure;
        }

        lock (_gate)
        {
            Group = group.Value;
            foreach (var item in items.Value!)
            {
                Items = Newer(Items, item);
            }

            Members = group.Value!.Members.ToImmutableDictionary(m => m.Id);
        }

        return null;
    }

    /// <summary>Puts a view the circuit got from its own action in place at once, without waiting for the feed.</summary>
    public void Apply(WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            Items = Newer(Items, item);
        }
    }

    public IEnumerable<TrailEventView> EventsOf(Guid workItemId) => RecentEvents.Where(e => e.WorkItemId == workItemId);

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    private async Task ApplyAsync(IReadOnlyList<LiveUpdate> updates)
    {
        lock (_gate)
        {
            foreach (var update in updates)
            {
                switch (update)
                {
                    case WorkItemChanged changed:
                        Items = Newer(Items, changed.Item);
                        break;
                    case MemberChanged changed when changed.Member.Status == "revoked":
                        Members = Members.Remove(changed.Member.Id);
                        break;
                    case MemberChanged changed:
                        Members = Members.SetItem(changed.Member.Id, changed.Member);
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

        foreach (var handler in Changed?.GetInvocationList().Cast<Func<Task>>() ?? [])
        {
            await handler();
        }
    }

    /// <summary>Keeps the newer of two views of an item: updates can overtake a load that started earlier.</summary>
    private static ImmutableDictionary<Guid, WorkItemView> Newer(ImmutableDictionary<Guid, WorkItemView> items, WorkItemView item)
        => items.TryGetValue(item.Id, out var current) && current.UpdatedAt > item.UpdatedAt ? items : items.SetItem(item.Id, item);
}
