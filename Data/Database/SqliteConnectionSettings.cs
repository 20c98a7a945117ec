using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Data.Database;

/// <summary>
/// Applies the per-connection settings SQLite does not keep in the file (<c>synchronous</c>) to every connection the
/// contexts open. Once per physical connection: the pool hands the same SQLite handle out again and the setting stays on it.
/// </summary>
public sealed class SqliteConnectionSettings(SqliteDurability durability) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _applied = [];

    private readonly string _pragma = durability switch
    {
        SqliteDurability.Normal => "PRAGMA synchronous=NORMAL;",
        SqliteDurability.Full => "PRAGMA synchronous=FULL;",
        _ => throw new ArgumentOutOfRangeException(nameof(durability), durability, "Unknown SQLite durability."),
    };

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // A PRAGMA on an open connection answers from memory: no reason to go asynchronous for it.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || _applied.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = sqlite.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
        _applied.AddOrUpdate(handle, this);
    }
}
