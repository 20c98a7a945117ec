using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
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
/// cannot write as the save would (a row deleted, a change to a key or a unique column, a row that needs another new row
/// first, a value the database or the tracker makes) is left to the save, whole.
/// </summary>
public static class ShapedSave
{
    /// <summary>
    /// Each model's tables and statements, kept as long as the model is: one model in a running app, with a few dozen
    /// statements; tests make many.
    /// </summary>
    private static readonly ConditionalWeakTable<IModel, ModelStatements> ByModel = [];

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
        if (Rows(context, ByModel.GetValue(context.Model, _ => new ModelStatements())) is not { } rows)
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
    private static List<Row>? Rows(ClawDbContext context, ModelStatements model)
    {
        var added = new List<Row>();
        var modified = new List<Row>();
        var keyed = new List<Row>();
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

    /// <summary>One model's tables, as far as these statements may write them, and the statements made for it so far.</summary>
    private sealed class ModelStatements
    {
        private readonly ConcurrentDictionary<IEntityType, Table?> _tables = new();

        public ConcurrentDictionary<(IEntityType Entity, EntityState State, ulong Columns), Statement> Statements { get; } = new();

        public Table? TableOf(IEntityType entity) => _tables.GetOrAdd(entity, Table.Of);
    }

    /// <summary>An entity type's table, and what of it these statements may write.</summary>
    private sealed class Table
    {
        private Table(
            IEntityType entity, StoreObjectIdentifier table, IProperty[] properties, IProperty? generatedKey, ulong unique, HashSet<IEntityType> principals,
            IProperty? version)
        {
            Entity = entity;
            Name = table;
            Properties = properties;
            GeneratedKey = generatedKey;
            UniqueColumns = unique;
            Principals = principals;
            Key = entity.FindPrimaryKey()!.Properties[0];
            Version = version;
        }

        public IEntityType Entity { get; }

        public StoreObjectIdentifier Name { get; }

        /// <summary>Its stored properties, at most 64 (a set of them is a bit mask).</summary>
        public IProperty[] Properties { get; }

        /// <summary>A single long key the database gives new rows (a trail event's id), if it has one.</summary>
        public IProperty? GeneratedKey { get; }

        public IProperty Key { get; }

        /// <summary>Its version (<see cref="IVersioned"/>), where that is its only concurrency check; without one, changes go to the save.</summary>
        public IProperty? Version { get; }

        /// <summary>The properties in a unique index or key, as a mask: a change to one is left to the save, which orders it.</summary>
        public ulong UniqueColumns { get; }

        /// <summary>The entity types its foreign keys point at.</summary>
        public HashSet<IEntityType> Principals { get; }

        /// <summary>
        /// The table of an entity type these statements can write: one table of its own (no other type in it, nor it in two)
        /// with a single-column key, no inheritance, no owned or complex parts, no shadow properties, and every value made by
        /// the code but a long key.
        /// </summary>
        public static Table? Of(IEntityType entity)
        {
            var properties = entity.GetProperties().ToArray();
            if (entity.GetTableName() is not { } name || entity.BaseType is not null || entity.GetDirectlyDerivedTypes().Any() || entity.IsOwned()
                || entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || entity.GetComplexProperties().Any()
                || entity.FindPrimaryKey()?.Properties is not [var key] || properties.Length > 64 || properties.Any(p => p.IsShadowProperty())
                || entity.GetTableMappings().ToList() is not [var mapping] || mapping.Table.EntityTypeMappings.Count() != 1)
            {
                return null;
            }

            // A row's version is the one check these statements make; a type that has another leaves its changes to the save.
            var versioned = typeof(IVersioned).IsAssignableFrom(entity.ClrType)
                            && properties.All(p => !p.IsConcurrencyToken || p.Name == nameof(IVersioned.Version));

            var generatedKey = key.ValueGenerated != ValueGenerated.Never && key.ClrType == typeof(long) ? key : null;
            if (properties.Any(p => p != generatedKey && p.ValueGenerated != ValueGenerated.Never))
            {
                return null;
            }

            var unique = 0UL;
            foreach (var index in entity.GetIndexes().Where(i => i.IsUnique).SelectMany(i => i.Properties).Concat(entity.GetKeys().SelectMany(k => k.Properties)))
            {
                unique |= 1UL << Array.IndexOf(properties, index);
            }

            return new Table(entity, StoreObjectIdentifier.Table(name, entity.GetSchema()), properties, generatedKey, unique,
                entity.GetForeignKeys().Select(k => k.PrincipalEntityType).ToHashSet(), versioned ? entity.FindProperty(nameof(IVersioned.Version)) : null);
        }

        /// <summary>An added row's insert, its every column but a key the database makes.</summary>
        public Row? Insert(ClawDbContext context, ModelStatements model, EntityEntry entry)
        {
            var columns = 0UL;
            for (var i = 0; i < Properties.Length; i++)
            {
                if (Properties[i] != GeneratedKey)
                {
                    columns |= 1UL << i;
                }
            }

            var statement = model.Statements.GetOrAdd((Entity, EntityState.Added, columns), static (key, state) => state.Table.MakeInsert(state.Context, key.Columns), (Table: this, Context: context));
            return new Row(entry, statement, Values(entry, statement, version: null));
        }

        /// <summary>
        /// A changed row's update, of the columns it changed, matched on its version; null when it has none, or its version,
        /// key or a unique column was changed by hand.
        /// </summary>
        public Row? Update(ClawDbContext context, ModelStatements model, EntityEntry entry)
        {
            if (Version is null)
            {
                return null;
            }

            var columns = 0UL;
            for (var i = 0; i < Properties.Length; i++)
            {
                if (entry.Property(Properties[i]).IsModified)
                {
                    columns |= 1UL << i;
                }
            }

            if ((columns & UniqueColumns) != 0 || (columns & (1UL << Array.IndexOf(Properties, Version))) != 0)
            {
                return null;
            }

            var statement = model.Statements.GetOrAdd((Entity, EntityState.Modified, columns), static (key, state) => state.Table.MakeUpdate(state.Context, key.Columns), (Table: this, Context: context));
            return new Row(entry, statement, Values(entry, statement, entry.OriginalValues[Version]));
        }

        private static Dictionary<string, object?> Values(EntityEntry entry, Statement statement, object? version)
        {
            var values = new Dictionary<string, object?>(statement.Columns.Length + 2, StringComparer.Ordinal);
            for (var i = 0; i < statement.Columns.Length; i++)
            {
                values[Statement.ParameterName(i)] = entry.CurrentValues[statement.Columns[i]];
            }

            if (statement.Matches is { } key)
            {
                values[Statement.KeyParameter] = entry.CurrentValues[key];
                values[Statement.VersionParameter] = version;
            }

            return values;
        }

        private Statement MakeInsert(ClawDbContext context, ulong columns)
        {
            var sql = context.GetService<ISqlGenerationHelper>();
            var written = Selected(columns);
            var text = $"INSERT INTO {sql.DelimitIdentifier(Name.Name, Name.Schema)} ({string.Join(", ", written.Select(p => Column(sql, p)))}) "
                       + $"VALUES ({string.Join(", ", written.Select((_, i) => sql.GenerateParameterNamePlaceholder(Statement.ParameterName(i))))})"
                       + (GeneratedKey is null ? "" : $" RETURNING {Column(sql, GeneratedKey)}");
            return Statement.Make(context, text, written, matches: null, GeneratedKey, Version);
        }

        private Statement MakeUpdate(ClawDbContext context, ulong columns)
        {
            var sql = context.GetService<ISqlGenerationHelper>();
            var written = Selected(columns);
            var table = sql.DelimitIdentifier(Name.Name, Name.Schema);
            var set = written.Select((p, i) => $"{Column(sql, p)} = {sql.GenerateParameterNamePlaceholder(Statement.ParameterName(i))}")
                .Append($"{Column(sql, Version!)} = {Column(sql, Version!)} + 1");
            var text = $"UPDATE {table} SET {string.Join(", ", set)} WHERE {Column(sql, Key)} = {sql.GenerateParameterNamePlaceholder(Statement.KeyParameter)} "
                       + $"AND {Column(sql, Version!)} = {sql.GenerateParameterNamePlaceholder(Statement.VersionParameter)}";
            return Statement.Make(context, text, written, Key, generatedKey: null, Version);
        }

        private IProperty[] Selected(ulong columns)
            => Properties.Where((_, i) => (columns & (1UL << i)) != 0).ToArray();

        private string Column(ISqlGenerationHelper sql, IProperty property) => sql.DelimitIdentifier(property.GetColumnName(Name)!);
    }

    /// <summary>
    /// One shape's statement, built once as EF builds a compiled query's: its parameters carry their properties' type
    /// mappings, so each value is converted as a tracked save converts it (times as numbers, enums as names on SQLite).
    /// </summary>
    private sealed class Statement
    {
        public const string KeyParameter = "k";
        public const string VersionParameter = "v";
        private static readonly string[] Names = Enumerable.Range(0, 64).Select(i => $"p{i}").ToArray();

        private Statement(IRelationalCommand command, IProperty[] columns, IProperty? matches, IProperty? generatedKey, IProperty? version)
        {
            Command = command;
            Columns = columns;
            Matches = matches;
            GeneratedKey = generatedKey;
            Version = version;
        }

        public IRelationalCommand Command { get; }

        /// <summary>The columns written, in the order of their parameters.</summary>
        public IProperty[] Columns { get; }

        /// <summary>An update's key, which with its version picks the row; null for an insert.</summary>
        public IProperty? Matches { get; }

        public IProperty? GeneratedKey { get; }

        public IProperty? Version { get; }

        public bool ReturnsKey => GeneratedKey is not null;

        public static string ParameterName(int index) => Names[index];

        public static Statement Make(ClawDbContext context, string text, IProperty[] columns, IProperty? matches, IProperty? generatedKey, IProperty? version)
        {
            var builder = context.GetService<IRelationalCommandBuilderFactory>().Create().Append(text);
            var sql = context.GetService<ISqlGenerationHelper>();
            for (var i = 0; i < columns.Length; i++)
            {
                AddParameter(builder, sql, ParameterName(i), columns[i]);
            }

            if (matches is not null)
            {
                AddParameter(builder, sql, KeyParameter, matches);
                AddParameter(builder, sql, VersionParameter, version!);
            }

            return new Statement(builder.Build(), columns, matches, generatedKey, version);
        }

        private static void AddParameter(IRelationalCommandBuilder builder, ISqlGenerationHelper sql, string name, IProperty property)
            => builder.AddParameter(name, sql.GenerateParameterName(name), property.GetRelationalTypeMapping(), property.IsNullable);
    }

    /// <summary>One row to write: its entry, its shape's statement, and the values it binds, read before the transaction.</summary>
    private sealed class Row(EntityEntry entry, Statement statement, Dictionary<string, object?> values)
    {
        public EntityEntry Entry { get; } = entry;

        public Statement Statement { get; } = statement;

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
}
