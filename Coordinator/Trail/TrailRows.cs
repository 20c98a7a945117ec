using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Trail;

/// <summary>
/// Trail events written set-based: one <c>INSERT … RETURNING</c> per group for any number of events, where a tracked save
/// sends one per event (a cold assignment pass writes ~3,500). Announced to live clients as a save's events are.
/// </summary>
public static class TrailRows
{
    /// <summary>Inserts <paramref name="events"/> (not tracked) in the caller's transaction; live clients hear of them once it commits.</summary>
    public static async Task InsertAsync(ClawDbContext context, IReadOnlyCollection<TrailEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        // Per group, because the ids come back in no promised order and each is announced to its group.
        foreach (var inGroup in events.GroupBy(e => e.GroupId))
        {
            var ids = await context.InsertRowsAsync(inGroup.ToList(), cancellationToken);
            LiveChangeCapture.Written(context, ids.Select(id => LiveChange.Event(inGroup.Key, id)));
        }
    }

    /// <summary>Takes the events the unit of work added out of the change tracker and inserts them set-based instead.</summary>
    public static async Task InsertTrackedAsync(ClawDbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var added = context.ChangeTracker.Entries<TrailEvent>().Where(e => e.State == EntityState.Added).ToList();
        foreach (var entry in added)
        {
            entry.State = EntityState.Detached;
        }

        await InsertAsync(context, added.Select(e => e.Entity).ToList(), cancellationToken);
    }
}
