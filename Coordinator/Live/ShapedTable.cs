using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Coordinator.Live;

/// <summary>An entity type's table, and what of it these statements may write.</summary>
internal sealed class ShapedTable
{
    /// <summary>An insert's columns, as a mask: every one but a key the database makes.</summary>
    private readonly ulong insertedColumns;

    /// <summary>The version's column, as a mask (0 without one).</summary>
    private readonly ulong versionColumn;

    private ShapedTable(
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
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i] != generatedKey)
            {
                insertedColumns |= 1UL << i;
            }
        }

        versionColumn = version is null ? 0 : 1UL << Array.IndexOf(properties, version);
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
    public static ShapedTable? Of(IEntityType entity)
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
        if (!RowsInOneStatement.ValuesMadeByTheCode(entity, except: generatedKey))
        {
            return null;
        }

        var unique = 0UL;
        foreach (var index in entity.GetIndexes().Where(i => i.IsUnique).SelectMany(i => i.Properties).Concat(entity.GetKeys().SelectMany(k => k.Properties)))
        {
            unique |= 1UL << Array.IndexOf(properties, index);
        }

        return new ShapedTable(entity, StoreObjectIdentifier.Table(name, entity.GetSchema()), properties, generatedKey, unique,
            entity.GetForeignKeys().Select(k => k.PrincipalEntityType).ToHashSet(), versioned ? entity.FindProperty(nameof(IVersioned.Version)) : null);
    }

    /// <summary>An added row's insert, its every column but a key the database makes.</summary>
    public ShapedRow? Insert(ClawDbContext context, ShapedModel model, EntityEntry entry)
    {
        var statement = model.Statements.GetOrAdd((Entity, EntityState.Added, insertedColumns), static (key, state) => state.Table.MakeInsert(state.Context, key.Columns), (Table: this, Context: context));
        return new ShapedRow(entry, statement, Values(entry, statement, version: null));
    }

    /// <summary>
    /// A changed row's update, of the columns it changed, matched on its version; null when it has none, or its version,
    /// key or a unique column was changed by hand.
    /// </summary>
    public ShapedRow? Update(ClawDbContext context, ShapedModel model, EntityEntry entry)
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

        if ((columns & UniqueColumns) != 0 || (columns & versionColumn) != 0)
        {
            return null;
        }

        var statement = model.Statements.GetOrAdd((Entity, EntityState.Modified, columns), static (key, state) => state.Table.MakeUpdate(state.Context, key.Columns), (Table: this, Context: context));
        return new ShapedRow(entry, statement, Values(entry, statement, entry.OriginalValues[Version]));
    }

    private static Dictionary<string, object?> Values(EntityEntry entry, ShapedStatement statement, object? version)
    {
        var values = new Dictionary<string, object?>(statement.Columns.Length + 2, StringComparer.Ordinal);
        for (var i = 0; i < statement.Columns.Length; i++)
        {
            values[ShapedStatement.ParameterName(i)] = entry.CurrentValues[statement.Columns[i]];
        }

        if (statement.Matches is { } key)
        {
            values[ShapedStatement.KeyParameter] = entry.CurrentValues[key];
            values[ShapedStatement.VersionParameter] = version;
        }

        return values;
    }

    private ShapedStatement MakeInsert(ClawDbContext context, ulong columns)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var written = Selected(columns);
        var text = $"INSERT INTO {sql.DelimitIdentifier(Name.Name, Name.Schema)} ({string.Join(", ", written.Select(p => Column(sql, p)))}) "
                   + $"VALUES ({string.Join(", ", written.Select((_, i) => sql.GenerateParameterNamePlaceholder(ShapedStatement.ParameterName(i))))})"
                   + (GeneratedKey is null ? "" : $" RETURNING {Column(sql, GeneratedKey)}");
        return ShapedStatement.Make(context, text, written, matches: null, GeneratedKey, version: null);
    }

    private ShapedStatement MakeUpdate(ClawDbContext context, ulong columns)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var written = Selected(columns);
        var table = sql.DelimitIdentifier(Name.Name, Name.Schema);
        var set = written.Select((p, i) => $"{Column(sql, p)} = {sql.GenerateParameterNamePlaceholder(ShapedStatement.ParameterName(i))}")
            .Append($"{Column(sql, Version!)} = {Column(sql, Version!)} + 1");
        var text = $"UPDATE {table} SET {string.Join(", ", set)} WHERE {Column(sql, Key)} = {sql.GenerateParameterNamePlaceholder(ShapedStatement.KeyParameter)} "
                   + $"AND {Column(sql, Version!)} = {sql.GenerateParameterNamePlaceholder(ShapedStatement.VersionParameter)}";
        return ShapedStatement.Make(context, text, written, Key, generatedKey: null, Version);
    }

    private IProperty[] Selected(ulong columns)
        => Properties.Where((_, i) => (columns & (1UL << i)) != 0).ToArray();

    private string Column(ISqlGenerationHelper sql, IProperty property) => sql.DelimitIdentifier(property.GetColumnName(Name)!);
}
