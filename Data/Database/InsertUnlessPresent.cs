using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Data.Database;

/// <summary>
/// <c>INSERT … ON CONFLICT DO NOTHING</c> for one row (SQLite and PostgreSQL both have it): a unique index decides, in one
/// statement, whether the row is new — no read before the insert, and no failed save on a repeat, which EF would log as an
/// error although the repeat is expected (PostgreSQL makes a second insert wait for a concurrent first one to commit). EF has
/// no "insert unless present". The statement is written from the model, so its table, columns and value conversions (SQLite
/// keeps times as numbers and ids as text) are the ones a tracked insert would use.
/// </summary>
public static class InsertUnlessPresent
{
    /// <summary>Inserts <paramref name="row"/> unless a row with one of its unique keys exists; true when this call inserted it.</summary>
    public static async Task<bool> InsertUnlessPresentAsync<TEntity>(this ClawDbContext db, TEntity row, CancellationToken cancellationToken)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(row);
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        // A command only to make parameters of the provider's kind; the statement runs on a command of EF's.
        await using var parameterSource = db.Database.GetDbConnection().CreateCommand();
        var columns = new List<string>();
        var placeholders = new List<string>();
        var parameters = new List<DbParameter>();
        foreach (var property in entity.GetProperties())
        {
            var name = $"p{parameters.Count}";
            var clr = property.PropertyInfo
                      ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property.Name} is not a CLR property; write the row with EF.");
            var value = clr.GetValue(row);
            columns.Add(sql.DelimitIdentifier(property.GetColumnName(table)!));
            placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
            parameters.Add(property.GetRelationalTypeMapping().CreateParameter(parameterSource, name, value, property.IsNullable));
        }

        var statement = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns)}) "
                        + $"VALUES ({string.Join(", ", placeholders)}) ON CONFLICT DO NOTHING";
        return await db.Database.ExecuteSqlRawAsync(statement, parameters, cancellationToken) == 1;
    }
}
