using System.Collections.Immutable;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// One group as a circuit sees it, kept current by the group feed: its work items, its members and the newest
/// events. The board, the roster and the drawer share it (scoped to the circuit) and re-render on
/// <see cref="Changed"/>. Snapshots are immutable, so a render never sees a half-applied update.
/// </summary>
public sealed class LiveGroup(WorkspaceSession session, GroupFeed feed, TimeProvider time) : IDisposable
{
    /// <summary>How many recent events the circuit keeps for the drawer's live log.</summary>
    public const int RecentEventLimit = 500;

    /// <summary>
    /// At most this many times a second the circuit's pages hear of live changes. Short, since a board then renders only the
    /// cards that changed and paces its whole renders (ChangeThrottle.WholePageInterval); issue 17 wants a report on the
    /// page within 100 ms.
    /// </summary>
    private static readonly TimeSpan ChangeInterval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private readonly ChangeThrottle _throttle = new(ChangeInterval, time);
    private IDisposable? _subscription;

    public GroupView? Group { get; private set; }

    public Guid GroupId { get; private set; }

    public ImmutableDictionary<Guid, WorkItemView> Items { get; private set; } = ImmutableDictionary<Guid, WorkItemView>.Empty;

    public ImmutableDictionary<Guid, MemberView> Members { get; private set; } = ImmutableDictionary<Guid, MemberView>.Empty;

    public ImmutableList<TrailEventView> RecentEvents { get; private set; } = [];

    /// <summary>Raised after live updates were applied; called on the feed's thread, so handlers use InvokeAsync.</summary>
    public event Func<Task>? Changed;

    /// <summary>How many finished items the board holds; older ones are counted, not loaded.</summary>
    public const int FinishedItemLimit = 200;

    /// <summary>Finished items of the group that were not loaded.</summary>
    public int HiddenFinished { get; private set; }

    /// <summary>Loads the group (again, when it is another one) and follows its changes.</summary>
    public async Task<Failure?> OpenAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        if (GroupId == groupId && Group is not null)
        {
            return null;
        }

        Close();
        lock (_gate)
        {
            GroupId = groupId;
        }

        // Access first: nothing of a group reaches a circuit before the coordinator said the person may see it.
        var group = await session.RunAsync<GroupService, GroupView>((groups, caller, ct) => groups.GetAsync(caller, groupId, ct), cancellationToken);
        if (!group.Succeeded)
        {
            return group.Failure;
        }

        // Subscribe before loading the items: a change committed during the load arrives as an update.
        _subscription = feed.Subscribe(groupId, updates => ApplyAsync(groupId, updates));
        var board = await session.RunAsync<WorkItemService, BoardView>(
            (workItems, caller, ct) => workItems.BoardAsync(caller, groupId, FinishedItemLimit, ct), cancellationToken);
        if (!board.Succeeded)
        {
            Close();
            return board.Failure;
        }

        lock (_gate)
        {
            Group = group.Value;
            HiddenFinished = board.Value!.HiddenFinished;
            foreach (var item in board.Value.Items)
            {
                Items = Newer(Items, item);
            }

            foreach (var member in group.Value!.Members)
            {
                Members = Members.ContainsKey(member.Id) ? Members : Members.SetItem(member.Id, member);
            }
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

    public void Dispose() => Close();

    /// <summary>Stops following the group and forgets everything of it.</summary>
    private void Close()
    {
        _subscription?.Dispose();
        _subscription = null;
        lock (_gate)
        {
            Group = null;
            HiddenFinished = 0;
            Items = ImmutableDictionary<Guid, WorkItemView>.Empty;
            Members = ImmutableDictionary<Guid, MemberView>.Empty;
            RecentEvents = [];
        }
    }

    private Task ApplyAsync(Guid groupId, IReadOnlyList<LiveUpdate> updates)
    {
        lock (_gate)
        {
            // A batch still in flight for a group this circuit has left must not land in the one it shows now.
            if (groupId != GroupId)
            {
                return Task.CompletedTask;
            }

            foreach (var update in updates.Where(u => u.GroupId == groupId))
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

        ScheduleChanged();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Raises <see cref="Changed"/> at once after a quiet spell, else once for everything applied until the interval is up:
    /// hundreds of agents reporting make many batches a second, and a board re-rendered for each would fall behind.
    /// </summary>
    private void ScheduleChanged() => _ = _throttle.PaceAsync(RaiseChangedAsync);

    private async Task RaiseChangedAsync()
    {
        foreach (var handler in Changed?.GetInvocationList().Cast<Func<Task>>() ?? [])
        {
            try
            {
                await handler();
            }
#pragma warning disable CA1031 // A page that went away while the render was pending is not an error.
            catch (Exception)
#pragma warning restore CA1031
            {
                // The circuit is closing; nothing is left to render.
            }
        }
    }

    /// <summary>Keeps the newer of two views of an item: updates can overtake a load that started earlier.</summary>
    private static ImmutableDictionary<Guid, WorkItemView> Newer(ImmutableDictionary<Guid, WorkItemView> items, WorkItemView item)
        => items.TryGetValue(item.Id, out var current) && current.UpdatedAt > item.UpdatedAt ? items : items.SetItem(item.Id, item);
}
