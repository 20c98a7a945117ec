using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// One group's data on this node, kept current by one subscription to the group feed and shared by every circuit that
/// shows the group (<see cref="SharedGroups"/>): its items, members and newest events are held and updated once, not once
/// per open page. Each circuit still reads the group and its board when it opens it (with its own caller, as its access
/// check) and merges what it read (<see cref="Merge"/>), so what the feed does not push (a person gone quiet, a lost
/// batch) is as fresh as the newest page opened on it. Snapshots are immutable, so a render never sees a half-applied
/// update. What a view shows does not depend on who looks, so one copy serves every person allowed to look.
/// </summary>
public sealed class SharedGroup : IDisposable
{
    /// <summary>How many recent events the group keeps for the drawer's live log.</summary>
    public const int RecentEventLimit = 500;

    /// <summary>How many finished items a board holds; older ones are counted, not loaded.</summary>
    public const int FinishedItemLimit = 200;

    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private readonly Dictionary<Guid, long> _memberHeardAt = [];
    private ImmutableList<Action> _followers = [];
    private long _groupHeardAt;

    internal SharedGroup(Guid id, GroupFeed feed)
    {
        Id = id;
        // Subscribed before anything is read: a change committed during a read arrives as an update.
        _subscription = feed.Subscribe(id, Apply);
    }

    public Guid Id { get; }

    /// <summary>The group as last read, with its name, description and review setting kept current; null until first read.</summary>
    public GroupView? Group { get; private set; }

    public ImmutableDictionary<Guid, WorkItemView> Items { get; private set; } = ImmutableDictionary<Guid, WorkItemView>.Empty;

    public ImmutableDictionary<Guid, MemberView> Members { get; private set; } = ImmutableDictionary<Guid, MemberView>.Empty;

    public ImmutableList<TrailEventView> RecentEvents { get; private set; } = [];

    /// <summary>Finished items of the group that are not held.</summary>
    public int HiddenFinished { get; private set; }

    /// <summary>How many circuits follow the group (for the registry and tests).</summary>
    internal int FollowerCount => _followers.Count;

    /// <summary>A moment to pass to <see cref="Merge"/>: taken before a read, it tells the read from the updates that came after it.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>
    /// Merges a read of the group and its board that began at <paramref name="readSince"/> (<see cref="Now"/>): an item
    /// takes the read's view when it is newer (the held one, equal, stays: every board keeps sharing it); a member, and the
    /// group's own fields, take the read's unless the feed changed them since the read began, and members the read no
    /// longer has are gone. Finished items beyond the board's limit are counted, not held.
    /// </summary>
    public void Merge(long readSince, GroupView group, BoardView board)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(board);
        lock (_gate)
        {
            // The held objects stay when the read says the same: boards compare the group by reference (BoardShape), and
            // every circuit's components keep the objects they were shown.
            if (Group is null || (_groupHeardAt < readSince && !SaysTheSame(Group with { Members = [] }, group with { Members = [] })))
            {
                Group = group;
            }

            var items = Items.ToBuilder();
            foreach (var item in board.Items)
            {
                if (!items.TryGetValue(item.Id, out var held) || held.UpdatedAt < item.UpdatedAt)
                {
                    items[item.Id] = item;
                }
            }

            Items = items.ToImmutable();
            HiddenFinished = board.HiddenFinished;
            KeepNewestFinished();

            var members = Members.ToBuilder();
            var listed = group.Members.Select(member => member.Id).ToHashSet();
            foreach (var member in group.Members.Where(member => !HeardSince(member.Id, readSince)))
            {
                if (!members.TryGetValue(member.Id, out var held) || !SaysTheSame(held, member))
                {
                    members[member.Id] = member;
                }
            }

            foreach (var gone in Members.Keys.Where(id => !listed.Contains(id) && !HeardSince(id, readSince)))
            {
                members.Remove(gone);
            }

            Members = members.ToImmutable();
        }
    }

    /// <summary>Puts a view a circuit got from its own action in place at once, without waiting for the feed.</summary>
    public void Apply(WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.GroupId != Id)
        {
            return;
        }

        lock (_gate)
        {
            Items = Newer(Items, item);
        }
    }

    public void Dispose() => _subscription.Dispose();

    internal void Follow(Action onChanged) => ImmutableInterlocked.Update(ref _followers, list => list.Add(onChanged));

    internal void Unfollow(Action onChanged) => ImmutableInterlocked.Update(ref _followers, list => list.Remove(onChanged));

    private bool HeardSince(Guid memberId, long since) => _memberHeardAt.TryGetValue(memberId, out var at) && at >= since;

    private Task Apply(IReadOnlyList<LiveUpdate> updates)
    {
        lock (_gate)
        {
            var finishing = false;
            foreach (var update in updates.Where(u => u.GroupId == Id))
            {
                switch (update)
                {
                    case WorkItemChanged changed:
                        Items = Newer(Items, changed.Item);
                        finishing |= IsFinished(changed.Item);
                        break;
                    case MemberChanged changed when changed.Member.Status == MemberStatuses.Revoked:
                        Members = Members.Remove(changed.Member.Id);
                        _memberHeardAt[changed.Member.Id] = Now();
                        break;
                    case MemberChanged changed:
                        Members = Members.SetItem(changed.Member.Id, changed.Member);
                        _memberHeardAt[changed.Member.Id] = Now();
                        break;
                    case GroupChanged changed when Group is not null:
                        Group = Group with { Name = changed.Group.Name, Description = changed.Group.Description, RequireReview = changed.Group.RequireReview };
                        _groupHeardAt = Now();
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

            if (finishing)
            {
                KeepNewestFinished();
            }
        }

        foreach (var onChanged in _followers)
        {
            onChanged();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Holds at most <see cref="FinishedItemLimit"/> finished items, the newest, counting the rest as hidden: a board open for
    /// a twelve-hour swarm would otherwise hold every item the swarm finished.
    /// </summary>
    private void KeepNewestFinished()
    {
        var finished = Items.Values.Where(IsFinished).ToList();
        if (finished.Count <= FinishedItemLimit)
        {
            return;
        }

        var oldest = finished.OrderByDescending(item => item.StateChangedAt).Skip(FinishedItemLimit).Select(item => item.Id).ToList();
        Items = Items.RemoveRange(oldest);
        HiddenFinished += oldest.Count;
    }

    /// <summary>Whether two views say the same (records holding lists compare those by reference, so they are compared as JSON).</summary>
    private static bool SaysTheSame<T>(T held, T read)
        => JsonSerializer.SerializeToUtf8Bytes(held).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(read));

    private static bool IsFinished(WorkItemView item) => BoardColumns.ColumnOf(item.State) == BoardColumns.Done;

    /// <summary>Keeps the newer of two views of an item: updates can overtake a read that started earlier.</summary>
    private static ImmutableDictionary<Guid, WorkItemView> Newer(ImmutableDictionary<Guid, WorkItemView> items, WorkItemView item)
        => items.TryGetValue(item.Id, out var current) && current.UpdatedAt > item.UpdatedAt ? items : items.SetItem(item.Id, item);
}
