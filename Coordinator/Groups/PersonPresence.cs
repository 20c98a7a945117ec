using ClawGroups.Coordinator.Accounts;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// Whether the coordinator may offer a person work now (decision 0029): while a workspace page of theirs is open (the
/// workspace keeps <c>LastSeenAt</c> fresh, <see cref="PresenceService"/>) or for <see cref="AfterApiCall"/> after their last
/// API call — someone scripting against the API is at their desk without a page open.
/// </summary>
public static class PersonPresence
{
    /// <summary>How long an API call keeps a person present.</summary>
    public static readonly TimeSpan AfterApiCall = TimeSpan.FromMinutes(15);

    /// <summary>An API call is written at most this often per person: a busy script must not write a row per request.</summary>
    public static readonly TimeSpan StampEvery = TimeSpan.FromMinutes(1);

    public static bool IsPresent(DateTimeOffset? lastSeenAt, DateTimeOffset? lastApiCallAt, DateTimeOffset now)
        => (lastSeenAt is { } seen && now - seen <= PresenceService.OnlineWindow)
           || (lastApiCallAt is { } called && now - called <= AfterApiCall);

    /// <summary>
    /// Notes a person's API call (no write when one was noted within <see cref="StampEvery"/>); when it makes them present,
    /// the groups where they take work get an assignment pass, since work may be waiting for them.
    /// </summary>
    public static async Task StampApiCallAsync(ClawDbContext context, IWorkSignals signals, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(signals);
        var seen = await context.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.LastSeenAt, u.LastApiCallAt }).SingleOrDefaultAsync(cancellationToken);
        if (seen is null || (seen.LastApiCallAt is { } called && now - called < StampEvery))
        {
            return;
        }

        await context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastApiCallAt, now), cancellationToken);
        if (!IsPresent(seen.LastSeenAt, seen.LastApiCallAt, now))
        {
            await OfferWorkAsync(context, signals, userId, cancellationToken);
        }
    }

    /// <summary>A person came to be present: each group where they take work gets a pass.</summary>
    public static async Task OfferWorkAsync(ClawDbContext context, IWorkSignals signals, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var groupId in await context.GroupMembers.Where(m => m.UserId == userId && m.AcceptsWork).Select(m => m.GroupId).ToListAsync(cancellationToken))
        {
            signals.AssignmentNeeded(groupId);
        }
    }
}
