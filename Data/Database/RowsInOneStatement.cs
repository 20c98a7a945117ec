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
/// save. On SQLite the rows are <c>VALUES</c> lists of parameters; on PostgreSQL each column is one array parameter, unnested
/// (<see cref="Rows{TEntity}"/>). Nothing here is seen by the change tracker: callers announce what they wrote themselves.
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
        foreach (var (source, parameters) in Rows(db, written, table, rows))
        {
            var statement = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) {source} "
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
        // The row source names its columns column1, column2, … (Rows).
        var assignments = set.Select((p, i) => $"{Column(p)} = v.column{i + 3}")
            .Append($"{Column(version)} = {tableName}.{Column(version)} + 1");
        var matched = 0;
        foreach (var (source, parameters) in Rows(db, written, table, rows))
        {
            var statement = $"UPDATE {tableName} SET {string.Join(", ", assignments)} FROM ({source}) AS v "
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

    /// <summary>
    /// The rows as statements read them, with their parameters: a row source whose columns are named column1, column2, … in
    /// the order of <paramref name="properties"/>, each value converted by its property's type mapping. On PostgreSQL one source
    /// holds every row as one array a column (<c>SELECT * FROM unnest(@p0::uuid[], @p1::jsonb[], …) AS r(column1, …)</c>):
    /// a cold pass's holds were 17,000 parameters and its trail 23,000, each bound and parsed one by one, and every row count
    /// made another statement text, where now each write of a table is one text, which PostgreSQL prepares once it recurs
    /// (PostgresConnectionSettings). Elsewhere, for one row, and for columns that are themselves arrays,
    /// <c>VALUES (@p0, …), …</c> in sources of <see cref="RowsPerStatement"/> rows.
    /// </summary>
    internal static IEnumerable<(string Source, List<DbParameter> Parameters)> Rows<TEntity>(
        ClawDbContext db, IReadOnlyList<IProperty> properties, StoreObjectIdentifier table, IReadOnlyList<TEntity> rows)
    {
        var columns = properties.Select(p => new ColumnValues(
            p.PropertyInfo ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{p.Name} is not a CLR property; write the rows with EF."),
            p.GetRelationalTypeMapping(),
            p.IsNullable,
            p.GetColumnType(table))).ToList();
        // One row goes as VALUES: its statement text is as stable, and a row's few parameters cost less to make than arrays.
        if (rows.Count > 1 && db.Database.IsNpgsql() && columns.All(c => c.FitsAnArray))
        {
            yield return Unnested(db, columns, rows);
            yield break;
        }

        foreach (var chunk in rows.Chunk(RowsPerStatement(db, properties.Count)))
        {
            yield return Values(db, columns, chunk);
        }
    }

    /// <summary><c>VALUES (@p0, @p1), (@p2, @p3), …</c> and their parameters, each made by its property's type mapping.</summary>
    private static (string Source, List<DbParameter> Parameters) Values<TEntity>(ClawDbContext db, List<ColumnValues> columns, IEnumerable<TEntity> rows)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        // A command only to make parameters of the provider's kind; the statement runs on a command of EF's.
        using var parameterSource = db.Database.GetDbConnection().CreateCommand();
        var values = new StringBuilder("VALUES ");
        var parameters = new List<DbParameter>();
        var first = true;
        foreach (var row in rows)
        {
            values.Append(first ? "(" : ", (");
            first = false;
            for (var i = 0; i < columns.Count; i++)
            {
                var name = $"p{parameters.Count}";
                values.Append(i == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
                parameters.Add(columns[i].Mapping.CreateParameter(parameterSource, name, columns[i].Get.GetValue(row), columns[i].IsNullable));
            }

            values.Append(')');
        }

        return (values.ToString(), parameters);
    }

    /// <summary><c>SELECT * FROM unnest(@p0::type[], …) AS r(column1, …)</c>: one array parameter a column, of the values the provider stores.</summary>
    private static (string Source, List<DbParameter> Parameters) Unnested<TEntity>(ClawDbContext db, List<ColumnValues> columns, IReadOnlyList<TEntity> rows)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        using var parameterSource = db.Database.GetDbConnection().CreateCommand();
        var parameters = new List<DbParameter>(columns.Count);
        var arrays = new List<string>(columns.Count);
        for (var c = 0; c < columns.Count; c++)
        {
            var name = $"p{c}";
            var parameter = parameterSource.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = columns[c].Array(rows);
            parameters.Add(parameter);
            arrays.Add($"{sql.GenerateParameterNamePlaceholder(name)}::{columns[c].BareStoreType}[]");
        }

        var names = string.Join(", ", Enumerable.Range(1, columns.Count).Select(c => $"column{c}"));
        return ($"SELECT * FROM unnest({string.Join(", ", arrays)}) AS r({names})", parameters);
    }

    /// <summary>One column of the rows: how to read its value from an object, and how the provider stores it.</summary>
    private sealed record ColumnValues(System.Reflection.PropertyInfo Get, RelationalTypeMapping Mapping, bool IsNullable, string? StoreType)
    {
        /// <summary>The CLR type the provider writes: the mapping's converter's, or the property's own (an enum's underlying type).</summary>
        private Type ProviderType
        {
            get
            {
                var type = Mapping.Converter?.ProviderClrType ?? Mapping.ClrType;
                type = Nullable.GetUnderlyingType(type) ?? type;
                return type.IsEnum ? Enum.GetUnderlyingType(type) : type;
            }
        }

        /// <summary>
        /// The store types whose values go as arrays, each with the CLR type Npgsql writes it from: a value converted by the
        /// property's mapping then means in the array what it meant as a parameter of its own. Anything else (an array or list
        /// column, which unnest would flatten; json; a time without a zone, which a cast from the inferred type would shift; a
        /// database enum) keeps <c>VALUES</c>, where the mapping makes each parameter.
        /// </summary>
        private static readonly Dictionary<string, Type> ArrayTypes = new(StringComparer.Ordinal)
        {
            ["uuid"] = typeof(Guid), ["text"] = typeof(string), ["character varying"] = typeof(string), ["integer"] = typeof(int),
            ["bigint"] = typeof(long), ["smallint"] = typeof(short), ["double precision"] = typeof(double), ["real"] = typeof(float),
            ["boolean"] = typeof(bool), ["numeric"] = typeof(decimal), ["timestamp with time zone"] = typeof(DateTimeOffset),
            ["bytea"] = typeof(byte[]),
        };

        /// <summary>
        /// The store type without its length or precision (<c>character varying(200)</c> → <c>character varying</c>): the array is
        /// cast to it, and the row's value then goes into the column as an assignment, which refuses a string too long for it as
        /// a parameter of its own would. A cast to <c>character varying(200)</c> would cut it short without a word.
        /// </summary>
        public string? BareStoreType => StoreType is { } store ? (store.IndexOf('(', StringComparison.Ordinal) is var open and > 0 ? store[..open] : store).Trim() : null;

        /// <summary>Whether the column's values go as one array: its store type is one of <see cref="ArrayTypes"/>, written from its CLR type.</summary>
        public bool FitsAnArray =>
            BareStoreType is { } store && ArrayTypes.TryGetValue(store, out var clr)
            && ProviderType == clr;

        /// <summary>Each row's value, converted as a tracked save converts it, in an array of the provider's type (nullable where the column is).</summary>
        public Array Array<TEntity>(IReadOnlyList<TEntity> rows)
        {
            var element = ProviderType.IsValueType && IsNullable ? typeof(Nullable<>).MakeGenericType(ProviderType) : ProviderType;
            var array = System.Array.CreateInstance(element, rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                var value = Get.GetValue(rows[r]);
                if (value is not null && Mapping.Converter is { } converter)
                {
                    value = converter.ConvertToProvider(value);
                }

                if (value is Enum)
                {
                    value = Convert.ChangeType(value, ProviderType, System.Globalization.CultureInfo.InvariantCulture);
                }

                array.SetValue(value, r);
            }

            return array;
        }
    }
}
