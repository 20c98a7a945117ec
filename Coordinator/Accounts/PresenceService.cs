using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Accounts;

/// <summary>
/// Whether a person is in the workspace now, for the roster. Kept in the database (not in one node's memory), so
/// every node shows the same; each change of presence is announced to the person's groups.
/// </summary>
public sealed class PresenceService(ClawDbContext context, LiveChanges liveChanges, IWorkSignals signals, TimeProvider time)
{
    /// <summary>How often an open workspace says it is still there.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(30);

    /// <summary>Seen within this long counts as online: a closed laptop lid goes offline without saying so.</summary>
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromSeconds(90);

    /// <summary>The roster's word for a person: offline unless seen recently; busy while holding work.</summary>
    public static string StatusOf(DateTimeOffset? lastSeenAt, int load, DateTimeOffset now)
        => lastSeenAt is not { } seen || now - seen > OnlineWindow ? MemberStatuses.Offline : load > 0 ? MemberStatuses.Busy : MemberStatuses.Online;

    /// <summary>The person has the workspace open (a new page, or the periodic refresh).</summary>
    public async Task SeenAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cameOnline = !await context.Users.AnyAsync(
            u => u.Id == userId && u.LastSeenAt != null && u.LastSeenAt > now - OnlineWindow, cancellationToken);
        await context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSeenAt, now), cancellationToken);
        if (cameOnline)
        {
            await AnnounceAsync(userId, cancellationToken);
            // Present now, they may be offered work waiting for them (PersonPresence).
            await PersonPresence.OfferWorkAsync(context, signals, userId, cancellationToken);
        }
    }

    /// <summary>The person closed the workspace (their last page on this node).</summary>
    public async Task GoneAsync(Guid userId, CancellationToken cancellationToken)
    {
        await context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSeenAt, (DateTimeOffset?)null), cancellationToken);
        await AnnounceAsync(userId, cancellationToken);
    }

    private async Task AnnounceAsync(Guid userId, CancellationToken cancellationToken)
    {
        foreach (var groupId in await context.GroupMembers.Where(m => m.UserId == userId).Select(m => m.GroupId).ToListAsync(cancellationToken))
        {
            liveChanges.Add(LiveChange.Human(groupId, userId));
        }
    }
}
