using System.Data.Common;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Data.Idempotency;

/// <summary>
/// Claims an <c>Idempotency-Key</c> in one statement, <c>INSERT … ON CONFLICT DO NOTHING</c> (SQLite and PostgreSQL both
/// have it): the first request with a key costs one round trip instead of a read and then an insert, and a repeat costs no
/// failed save (which EF would log as an error). The statement is written from the model, so its table, columns and value
/// conversions (SQLite keeps times as numbers) are the ones EF uses.
/// </summary>
public static class IdempotencyReservation
{
    /// <summary>Inserts <paramref name="record"/> unless its caller already holds its key; true when it was inserted.</summary>
    public static async Task<bool> TryInsertAsync(this ClawDbContext db, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(record);
        var entity = db.Model.FindEntityType(typeof(IdempotencyRecord))!;
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
            columns.Add(sql.DelimitIdentifier(property.GetColumnName(table)!));
            placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
            parameters.Add(property.GetRelationalTypeMapping().CreateParameter(parameterSource, name, property.PropertyInfo!.GetValue(record), property.IsNullable));
        }

        var statement = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns)}) "
                        + $"VALUES ({string.Join(", ", placeholders)}) ON CONFLICT DO NOTHING";
        return await db.Database.ExecuteSqlRawAsync(statement, parameters, cancellationToken) == 1;
    }
}
