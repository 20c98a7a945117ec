using System.Data.Common;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Data.Budgets;

/// <summary>
/// Raises a budget alert at most once, even when two reports cross the same line at the same moment. The unique index
/// decides: <c>INSERT … ON CONFLICT DO NOTHING</c> (PostgreSQL and SQLite both have it) adds the row or, when a concurrent
/// report's row is there (or committing — PostgreSQL waits for it), does nothing and says so. A plain tracked insert would
/// break the index instead, and EF logs every failed save as an error although this one is expected.
/// </summary>
public static class BudgetAlertWrites
{
    /// <summary>Inserts the alert unless one with its group, key and level exists; true when this call added it.</summary>
    public static async Task<bool> InsertOnceAsync(this ClawDbContext context, BudgetAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(alert);
        var entity = context.Model.FindEntityType(typeof(BudgetAlert))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = context.GetService<ISqlGenerationHelper>();
        // The values go through each column's own type mapping, so they are stored exactly as a tracked insert would store
        // them (SQLite keeps times as binary numbers and ids as text).
        var values = new (string Property, object? Value)[]
        {
            (nameof(BudgetAlert.Id), alert.Id), (nameof(BudgetAlert.GroupId), alert.GroupId), (nameof(BudgetAlert.Key), alert.Key),
            (nameof(BudgetAlert.Level), alert.Level), (nameof(BudgetAlert.At), alert.At),
        };
        using var command = context.Database.GetDbConnection().CreateCommand();
        var parameters = new List<DbParameter>(values.Length);
        var columns = new List<string>(values.Length);
        foreach (var (name, value) in values)
        {
            var property = entity.FindProperty(name)!;
            columns.Add(sql.DelimitIdentifier(property.GetColumnName(table)!));
            parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, $"@p{parameters.Count}", value, nullable: false));
        }

        string Column(string name) => sql.DelimitIdentifier(entity.FindProperty(name)!.GetColumnName(table)!);
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns)}) "
                     + $"VALUES ({string.Join(", ", parameters.Select(p => p.ParameterName))}) "
                     + $"ON CONFLICT ({Column(nameof(BudgetAlert.GroupId))}, {Column(nameof(BudgetAlert.Key))}, {Column(nameof(BudgetAlert.Level))}) DO NOTHING";
        return await context.Database.ExecuteSqlRawAsync(insert, parameters, cancellationToken) == 1;
    }
}
