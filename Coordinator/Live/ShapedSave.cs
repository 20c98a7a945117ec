using System.Data.Common;
using System.Runtime.CompilerServices;
using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// A unit of work of a few rows (an agent's accept, progress report or result: an item, its attempt, a trail event)
/// saved by statements made once for each shape of change and run again, where EF Core's update pipeline builds every
/// save anew: orders its commands by their keys, works out each column's part in them from the model and writes their
/// SQL, on every call. On SQLite EF sends one command a row anyway, so a statement a row costs no extra round trip there.
/// What is written, and announced to live clients, is what the save would write: the rows added and the columns changed,
/// each changed row matched on the version it was read at and moved on by one (<see cref="IVersioned"/>). A unit this
/// cannot write as the save would (a row deleted, an unversioned row changed, a change to a key or a unique column, a row
/// that needs another new row first, a value the database or the tracker makes) is left to the save, whole. What a table
/// allows is <see cref="ShapedTable"/>'s to say, a statement <see cref="ShapedStatement"/>, one row's write <see cref="ShapedRow"/>.
/// </summary>
public static class ShapedSave
{
    /// <summary>
    /// Each model's tables and statements, kept as long as the model is: one model in a running app, with a few dozen
    /// statements; tests make many.
    /// </summary>
    private static readonly ConditionalWeakTable<IModel, ShapedModel> ByModel = [];

    /// <summary>
    /// Saves the context's changes by the statements kept for their shapes, in the context's transaction or one of its own;
    /// false, having written nothing, when a change is one the save must write. A row changed since it was read throws
    /// <see cref="DbUpdateConcurrencyException"/>, as the save does, with nothing written.
    /// </summary>
    public static async Task<bool> TrySaveAsync(ClawDbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ChangeTracker.AutoDetectChangesEnabled)
        {
            context.ChangeTracker.DetectChanges();
        }

        using var pause = DetectionPause.Begin(context.ChangeTracker);
        if (Rows(context, ByModel.GetValue(context.Model, _ => new ShapedModel())) is not { } rows)
        {
            return false;
        }

        if (rows.Count == 0)
        {
            return true;
        }

        // Read before anything is written or accepted: a person's load is announced from the original assignee too.
        var changes = new HashSet<LiveChange>();
        foreach (var row in rows)
        {
            if (row.Entry.Entity is not TrailEvent)
            {
                LiveChangeCapture.AddChanges(context, row.Entry, changes);
            }
        }

        // Everything made before the transaction begins: on SQLite its BEGIN takes the writer's turn, held to the commit.
        var connection = context.GetService<IRelationalConnection>();
        var logger = context.GetService<IRelationalCommandDiagnosticsLogger>();
        var own = context.Database.CurrentTransaction is null && rows.Count > 1
            ? await context.Database.BeginTransactionAsync(cancellationToken)
            : null;
        try
        {
            foreach (var row in rows)
            {
                await row.WriteAsync(context, connection, logger, changes, cancellationToken);
            }

            LiveChangeCapture.Written(context, changes);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
        }
        catch (DbException e)
        {
            await RollBackAsync(own);
            throw new DbUpdateException("The unit of work could not be saved: " + e.Message, e);
        }
        catch
        {
            await RollBackAsync(own);
            throw;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }

        foreach (var row in rows)
        {
            row.MoveVersionOn();
        }

        // Every changed entry is one of the rows (any other left the unit to the save), so all of them are accepted as
        // written; EF's own acceptance, which its save makes, takes each entry's current values as its original ones at the
        // cost of a copy, where setting them through the entry's values costs a property entry and a conversion each.
        context.ChangeTracker.AcceptAllChanges();
        return true;
    }

    private static async Task RollBackAsync(IDbContextTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The unit's rows in the order they are written (new rows, then changed ones, so a change may point at a new row; new
    /// rows whose key the database makes, trail events, last), or null when one of them is left to the save.
    /// </summary>
    private static List<ShapedRow>? Rows(ClawDbContext context, ShapedModel model)
    {
        var added = new List<ShapedRow>();
        var modified = new List<ShapedRow>();
        var keyed = new List<ShapedRow>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Unchanged)
            {
                continue;
            }

            if (entry.State is not (EntityState.Added or EntityState.Modified) || model.TableOf(entry.Metadata) is not { } table)
            {
                return null;
            }

            var row = entry.State == EntityState.Added ? table.Insert(context, model, entry) : table.Update(context, model, entry);
            if (row is null)
            {
                return null;
            }

            (entry.State == EntityState.Modified ? modified : row.Statement.ReturnsKey ? keyed : added).Add(row);
        }

        if (added.Count + keyed.Count > 0)
        {
            // A new row that refers to a type also being added may need that row first, which only the save's ordering knows.
            var addedTypes = added.Concat(keyed).Select(r => r.Entry.Metadata).ToHashSet();
            if (added.Concat(keyed).Any(r => model.TableOf(r.Entry.Metadata)!.Principals.Overlaps(addedTypes)))
            {
                return null;
            }
        }

        return [.. added, .. modified, .. keyed];
    }
}
