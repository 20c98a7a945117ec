using System.Data.Common;
using Npgsql;

namespace ClawGroups.Data.Database;

/// <summary>
/// What the app adds to an operator's PostgreSQL connection string: statements prepared automatically once they recur, unless
/// the string says otherwise. Without it PostgreSQL parses and plans every one of EF's statements afresh (Npgsql's
/// <c>prepared_ratio</c> was 0 under the steady feed, where the database took half a core beside the app). A connection string
/// that sets <c>Max Auto Prepare</c> keeps its own value; <c>Max Auto Prepare=0</c> turns it off (needed behind a pooler in
/// transaction mode that cannot keep prepared statements, such as PgBouncer before 1.21).
/// </summary>
public static class PostgresConnectionSettings
{
    /// <summary>Statements kept prepared per connection: more than the app's distinct hot statements.</summary>
    public const int MaxAutoPrepare = 256;

    /// <summary>Uses before a statement is prepared: a one-off query is not worth a server-side plan.</summary>
    public const int AutoPrepareMinUsages = 2;

    public static string WithDefaults(string connectionString)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows; the plain builder holds only what the string says.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (Names(given, "Max Auto Prepare"))
        {
            return connectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxAutoPrepare };
        if (!Names(given, "Auto Prepare Min Usages"))
        {
            builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
        }

        return builder.ConnectionString;
    }

    /// <summary>Whether the string sets the keyword, however spaced or cased (Npgsql accepts both).</summary>
    private static bool Names(DbConnectionStringBuilder given, string keyword) =>
        given.Keys.Cast<string>().Any(key => Normalized(key) == Normalized(keyword));

    private static string Normalized(string keyword) => keyword.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
