using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Data.Database;

/// <summary>
/// <c>INSERT … ON CONFLICT DO NOTHING</c> for one row (SQLite and PostgreSQL both have it): a unique index decides, in one
/// statement, whether the row is new — no read before the insert, and no failed save on a repeat, which EF would log as an
/// error although the repeat is expected (PostgreSQL makes a second insert wait for a concurrent first one to commit). EF has
/// no "insert unless present". The statement is written from the model, so its table, columns and value conversions (SQLite
/// keeps times as numbers and ids as text) are the ones a tracked insert would use: it is <see cref="RowsInOneStatement"/>'s
/// writing of rows, for one row.
/// </summary>
public static class InsertUnlessPresent
{
    /// <summary>Inserts <paramref name="row"/> unless a row with one of its unique keys exists; true when this call inserted it.</summary>
    public static async Task<bool> InsertUnlessPresentAsync<TEntity>(this ClawDbContext db, TEntity row, CancellationToken cancellationToken)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(row);
        var (entity, table) = RowsInOneStatement.TableOf<TEntity>(db);
        var properties = entity.GetProperties().ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var (values, parameters) = RowsInOneStatement.Values(db, properties, [row]);
        var statement = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({RowsInOneStatement.Columns(sql, properties, table)}) "
                        + $"VALUES {values} ON CONFLICT DO NOTHING";
        return await db.Database.ExecuteSqlRawAsync(statement, parameters, cancellationToken) == 1;
    }
}
