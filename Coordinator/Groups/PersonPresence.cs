using ClawGroups.Coordinator.Accounts;
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

    /// <summary>Notes a person's API call; a no-op (no write) when one was noted within <see cref="StampEvery"/>.</summary>
    public static Task StampApiCallAsync(ClawDbContext context, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var staleBefore = now - StampEvery;
        return context.Users.Where(u => u.Id == userId && (u.LastApiCallAt == null || u.LastApiCallAt < staleBefore))
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LastApiCallAt, now), cancellationToken);
    }
}
