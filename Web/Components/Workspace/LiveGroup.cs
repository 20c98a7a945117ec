using System.Collections.Immutable;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// The group a circuit shows, kept current by the live feed: its work items, its members and the newest events. The board,
/// the roster and the drawer share it (scoped to the circuit) and re-render on <see cref="Changed"/>. The data itself is
/// the node's one copy of the group (<see cref="SharedGroups"/>); what is the circuit's own is its read of the group when
/// it opens it (its access check), and the pace at which its pages hear of changes.
/// </summary>
public sealed class LiveGroup(WorkspaceSession session, SharedGroups groups, TimeProvider time) : IDisposable
{
    /// <summary>
    /// At most this many times a second the circuit's pages hear of live changes. Short, since a board then renders only the
    /// cards that changed and paces its whole renders (ChangeThrottle.WholePageInterval); issue 17 wants a report on the
    /// page within 100 ms.
    /// </summary>
    private static readonly TimeSpan ChangeInterval = TimeSpan.FromMilliseconds(50);

    private readonly ChangeThrottle _throttle = new(ChangeInterval, time);
    private SharedGroups.Following? _following;

    // How many opens began (a newer one makes an older one's read moot) and whether the circuit has gone; read and written
    // on the circuit's own turn.
    private int _opens;
    private bool _disposed;

    public GroupView? Group => _following?.Group.Group;

    public ImmutableDictionary<Guid, WorkItemView> Items => _following?.Group.Items ?? ImmutableDictionary<Guid, WorkItemView>.Empty;

    public ImmutableDictionary<Guid, MemberView> Members => _following?.Group.Members ?? ImmutableDictionary<Guid, MemberView>.Empty;

    public ImmutableList<TrailEventView> RecentEvents => _following?.Group.RecentEvents ?? [];

    /// <summary>Finished items of the group that were not loaded.</summary>
    public int HiddenFinished => _following?.Group.HiddenFinished ?? 0;

    /// <summary>Raised after live updates were applied; called on the feed's thread, so handlers use InvokeAsync.</summary>
    public event Func<Task>? Changed;

    /// <summary>
    /// Opens the group (unless it is the one open) and follows its changes. The group and its board are read with the
    /// circuit's own caller, as before the node shared them: the read is the access check, and what it read is merged into
    /// the node's copy, so a page opened (or reloaded) shows the group as it is now even where the feed pushed nothing.
    /// </summary>
    public async Task<Failure?> OpenAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        if (_following?.Group.Id == groupId)
        {
            return null;
        }

        Close();
        var open = ++_opens;
        // Following first: a change committed during the read arrives as an update.
        var following = groups.Follow(groupId, ScheduleChanged);
        try
        {
            var readSince = SharedGroup.Now();
            // Access first: nothing of a group reaches a circuit before the coordinator said the person may see it.
            var group = await session.RunAsync<GroupService, GroupView>((groups, caller, ct) => groups.GetAsync(caller, groupId, ct), cancellationToken);
            var failure = group.Failure;
            BoardView? board = null;
            if (group.Succeeded)
            {
                var read = await session.RunAsync<WorkItemService, BoardView>(
                    (workItems, caller, ct) => workItems.BoardAsync(caller, groupId, SharedGroup.FinishedItemLimit, ct), cancellationToken);
                (board, failure) = (read.Value, read.Failure);
            }

            // The page went away, or opened another group, while this one was read: nothing to show, nothing to say.
            if (_disposed || open != _opens || board is null)
            {
                following.Dispose();
                return _disposed || open != _opens ? null : failure;
            }

            following.Group.Merge(readSince, group.Value!, board);
            _following = following;
            return null;
        }
        catch
        {
            following.Dispose();
            throw;
        }
    }

    /// <summary>Puts a view the circuit got from its own action in place at once, without waiting for the feed.</summary>
    public void Apply(WorkItemView item) => _following?.Group.Apply(item);

    public IEnumerable<TrailEventView> EventsOf(Guid workItemId) => RecentEvents.Where(e => e.WorkItemId == workItemId);

    public void Dispose()
    {
        _disposed = true;
        Close();
    }

    /// <summary>Stops following the group.</summary>
    private void Close()
    {
        _following?.Dispose();
        _following = null;
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
}
