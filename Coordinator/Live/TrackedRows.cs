using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// A unit of work's new and changed rows of one type written set-based (<see cref="RowsInOneStatement"/>) in the caller's
/// transaction, where a tracked save sends a statement a row and builds each in EF's update pipeline: a cold assignment
/// pass's 726 offers were 726 <c>INSERT</c>s and 726 <c>UPDATE</c>s, most of its save's time. What is written is what the save
/// would write, announced to live clients as the save would announce it, and then accepted in the change tracker, so the
/// save that follows writes only what is left.
/// </summary>
public static class TrackedRows
{
    /// <summary>Inserts the tracked <typeparamref name="TEntity"/>s added in this unit of work (their keys made by the code).</summary>
    public static async Task InsertAddedAsync<TEntity>(ClawDbContext context, CancellationToken cancellationToken)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var added = context.ChangeTracker.Entries<TEntity>().Where(e => e.State == EntityState.Added).ToList();
        if (added.Count == 0 || added[0].Metadata.GetProperties().Any(p => p.IsShadowProperty()))
        {
            // A shadow property's value is the tracker's alone, so only the save can write it.
            return;
        }

        var changes = added.SelectMany(e => LiveChangeCapture.ChangesOf(context, e)).ToList();
        await context.InsertKeyedRowsAsync(added.Select(e => e.Entity).ToList(), cancellationToken);
        foreach (var entry in added)
        {
            entry.State = EntityState.Unchanged;
        }

        LiveChangeCapture.Written(context, changes);
    }

    /// <summary>
    /// Writes the tracked <typeparamref name="TEntity"/>s changed in this unit of work, each matched on the version it was read
    /// at and moved on by one, as the save would; false, having written nothing the caller should commit, when one of them
    /// changed since it was read. Rows whose complex or shadow properties changed are left to the save.
    /// </summary>
    public static async Task<bool> UpdateModifiedAsync<TEntity>(ClawDbContext context, CancellationToken cancellationToken)
        where TEntity : class, IVersioned
    {
        ArgumentNullException.ThrowIfNull(context);
        var modified = context.ChangeTracker.Entries<TEntity>()
            .Where(e => e.State == EntityState.Modified && !e.ComplexProperties.Any(c => c.IsModified)
                        && !e.Properties.Any(p => p.IsModified && p.Metadata.IsShadowProperty()))
            .ToList();
        if (modified.Count == 0)
        {
            return true;
        }

        // Every row gets the columns any of them changed: a column one row did not change is written with the value it has.
        var columns = modified.SelectMany(e => e.Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name))
            .Where(name => name != nameof(IVersioned.Version))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var changes = modified.SelectMany(e => LiveChangeCapture.ChangesOf(context, e)).ToList();
        if (await context.UpdateRowsAsync(modified.Select(e => e.Entity).ToList(), columns, cancellationToken) != modified.Count)
        {
            return false;
        }

        foreach (var entry in modified)
        {
            Accept(entry, entry.Entity.Version + 1);
        }

        LiveChangeCapture.Written(context, changes);
        return true;
    }

    /// <summary>
    /// The row as written: its version moved on, its values now its original ones (else the save's detection of changes would
    /// find them changed again), unchanged.
    /// </summary>
    private static void Accept<TEntity>(EntityEntry<TEntity> entry, long version)
        where TEntity : class, IVersioned
    {
        entry.Property(nameof(IVersioned.Version)).CurrentValue = version;
        entry.OriginalValues.SetValues(entry.CurrentValues);
        entry.State = EntityState.Unchanged;
    }
}
