using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Coordinator.Live;

/// <summary>One row to write: its entry, its shape's statement, and the values it binds, read before the transaction.</summary>
internal sealed class ShapedRow(EntityEntry entry, ShapedStatement statement, Dictionary<string, object?> values)
{
    public EntityEntry Entry { get; } = entry;

    public ShapedStatement Statement { get; } = statement;

    public async Task WriteAsync(
        ClawDbContext context, IRelationalConnection connection, IRelationalCommandDiagnosticsLogger logger, HashSet<LiveChange> changes,
        CancellationToken cancellationToken)
    {
        var parameters = new RelationalCommandParameterObject(connection, values, null, context, logger, CommandSource.SaveChanges);
        if (Statement.ReturnsKey)
        {
            // A trail event: its id is the database's, and live clients hear of it by that id.
            var id = Convert.ToInt64(await Statement.Command.ExecuteScalarAsync(parameters, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            Entry.Property(Statement.GeneratedKey!).CurrentValue = id;
            if (Entry.Entity is TrailEvent trailEvent)
            {
                changes.Add(LiveChange.Event(trailEvent.GroupId, id));
            }

            return;
        }

        if (await Statement.Command.ExecuteNonQueryAsync(parameters, cancellationToken) != 1)
        {
            throw new DbUpdateConcurrencyException(
                $"The {Entry.Metadata.DisplayName()} changed since it was read; nothing of this unit of work was saved.");
        }
    }

    /// <summary>A changed row's version moved on in the tracker as its statement moved it in the database.</summary>
    public void MoveVersionOn()
    {
        if (Statement.Matches is not null)
        {
            var version = Entry.Property(Statement.Version!);
            version.CurrentValue = (long)version.CurrentValue! + 1;
        }
    }
}
