using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Data.Database;

/// <summary>
/// Many rows written in one statement, where EF sends one statement per row: a pass that holds 2,800 items for people
/// sent 2,800 <c>UPDATE</c>s and 2,800 <c>INSERT … RETURNING</c>s, and spent more time building and sending them than the
/// server spent running them. The statements are written from the model, as <see cref="InsertUnlessPresent"/>'s are, so
/// their tables, columns and value conversions (SQLite keeps times as numbers and ids as text) are those of a tracked
/// save, and the same SQL runs on SQLite and PostgreSQL (<c>VALUES</c> rows, <c>UPDATE … FROM</c>, <c>RETURNING</c>).
/// Nothing here is seen by the change tracker: callers announce what they wrote themselves.
/// </summary>
public static class RowsInOneStatement
{
    /// <summary>Parameters per statement on PostgreSQL, under its limit (65,535); more rows take more statements.</summary>
    private const int MaxParameters = 30_000;

    /// <summary>
    /// Parameters per statement on SQLite. Microsoft.Data.Sqlite binds each parameter by name, and SQLite finds a name by
    /// walking the statement's list of names, so binding one statement costs the square of its parameters: 4,500 trail events
    /// (40,500 parameters in two statements) took 8.3 s to insert, 50 times what EF's one statement a row took. At 100 a
    /// statement they take 0.13–0.18 s, faster than EF's 0.17–0.40 s; at 500, 0.2–0.4 s (<c>sqlite-rows</c> benchmark,
    /// docs/PERFORMANCE.md). A pass's trail, holds and claims on the embedded database are written this way.
    /// </summary>
    private const int MaxSqliteParameters = 100;

    /// <summary>Rows per statement when each row has <paramref name="parametersPerRow"/> parameters.</summary>
    internal static int RowsPerStatement(ClawDbContext db, int parametersPerRow)
        => Math.Max(1, (db.Database.IsSqlite() ? MaxSqliteParameters : MaxParameters) / parametersPerRow);

    /// <summary>
    /// Inserts <paramref name="rows"/> and returns the keys the database gave them (the trail's ids), in no promised order.
    /// Every mapped property is written except the store-generated key.
    /// </summary>
    public static async Task<List<long>> InsertRowsAsync<TEntity>(this ClawDbContext db, IReadOnlyList<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var (entity, table) = TableOf<TEntity>(db);
        var key = entity.FindPrimaryKey()?.Properties is [var only] && only.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && only.ClrType == typeof(long)
            ? only
            : throw new InvalidOperationException($"{typeof(TEntity).Name} has no single store-generated long key to return.");
        if (entity.GetComplexProperties().Any() || entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
        {
            // Their columns are not the entity's own properties: a row written from these would leave them out.
            throw new InvalidOperationException($"{typeof(TEntity).Name} has complex or owned parts; write its rows with EF.");
        }

        var written = entity.GetProperties().Where(p => p != key).ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = Columns(sql, written, table);
        var keys = new List<long>(rows.Count);
        foreach (var chunk in rows.Chunk(RowsPerStatement(db, written.Count)))
        {
            var (values, parameters) = Values(db, written, chunk);
            var statement = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES {values} "
                            + $"RETURNING {sql.DelimitIdentifier(key.GetColumnName(table)!)} AS {sql.DelimitIdentifier("Value")}";
            // Not composed upon, so EF runs the statement as written, through the context's connection, transaction and interceptors.
            keys.AddRange(await db.Database.SqlQueryRaw<long>(statement, [.. parameters]).ToListAsync(cancellationToken));
        }

        return keys;
    }

    /// <summary>
    /// Sets <paramref name="properties"/> of each stored row to the values of its object in <paramref name="rows"/>, matched by
    /// key and by the version the object carries, and moves each matched row's version on by one (as a tracked save does,
    /// <see cref="IVersioned"/>); the objects' versions are left as they are. Returns how many rows matched: fewer than
    /// <paramref name="rows"/> means some changed since they were read, and the caller's transaction should not commit.
    /// </summary>
    public static async Task<int> UpdateRowsAsync<TEntity>(
        this ClawDbContext db, IReadOnlyList<TEntity> rows, IReadOnlyList<string> properties, CancellationToken cancellationToken)
        where TEntity : class, IVersioned
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(properties);
        var (entity, table) = TableOf<TEntity>(db);
        var key = entity.FindPrimaryKey()?.Properties is [var only] ? only : throw new InvalidOperationException($"{typeof(TEntity).Name} has no single key.");
        var version = entity.FindProperty(nameof(IVersioned.Version))!;
        var set = properties.Select(name => entity.FindProperty(name) ?? throw new ArgumentException($"{typeof(TEntity).Name} has no property {name}.", nameof(properties)))
            .ToList();
        List<IProperty> written = [key, version, .. set];
        var sql = db.GetService<ISqlGenerationHelper>();
        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName(table)!);
        // VALUES names its columns column1, column2, … on both SQLite and PostgreSQL.
        var assignments = set.Select((p, i) => $"{Column(p)} = v.column{i + 3}")
            .Append($"{Column(version)} = {tableName}.{Column(version)} + 1");
        var matched = 0;
        foreach (var chunk in rows.Chunk(RowsPerStatement(db, written.Count)))
        {
            var (values, parameters) = Values(db, written, chunk);
            var statement = $"UPDATE {tableName} SET {string.Join(", ", assignments)} FROM (VALUES {values}) AS v "
                            + $"WHERE {tableName}.{Column(key)} = v.column1 AND {tableName}.{Column(version)} = v.column2";
            matched += await db.Database.ExecuteSqlRawAsync(statement, parameters, cancellationToken);
        }

        return matched;
    }

    internal static (IEntityType Entity, StoreObjectIdentifier Table) TableOf<TEntity>(ClawDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        return (entity, StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()));
    }

    /// <summary>The delimited column names of <paramref name="properties"/>, comma-separated, in their order.</summary>
    internal static string Columns(ISqlGenerationHelper sql, IEnumerable<IProperty> properties, StoreObjectIdentifier table)
        => string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));

    /// <summary><c>(@p0, @p1), (@p2, @p3), …</c> and their parameters, each made by its property's type mapping.</summary>
    internal static (string Values, List<DbParameter> Parameters) Values<TEntity>(ClawDbContext db, IReadOnlyList<IProperty> properties, IEnumerable<TEntity> rows)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var mappings = properties.Select(p => (
            Get: p.PropertyInfo ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{p.Name} is not a CLR property; write the rows with EF."),
            Mapping: p.GetRelationalTypeMapping(),
            p.IsNullable)).ToList();
        // A command only to make parameters of the provider's kind; the statement runs on a command of EF's.
        using var parameterSource = db.Database.GetDbConnection().CreateCommand();
        var values = new StringBuilder();
        var parameters = new List<DbParameter>();
        foreach (var row in rows)
        {
            values.Append(values.Length == 0 ? "(" : ", (");
            for (var i = 0; i < mappings.Count; i++)
            {
                var name = $"p{parameters.Count}";
                values.Append(i == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
                parameters.Add(mappings[i].Mapping.CreateParameter(parameterSource, name, mappings[i].Get.GetValue(row), mappings[i].IsNullable));
            }

            values.Append(')');
        }

        return (values.ToString(), parameters);
    }
}
