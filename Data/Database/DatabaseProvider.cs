namespace ClawGroups.Data.Database;

public enum DatabaseProvider
{
    /// <summary>The embedded default: a SQLite file, nothing to install.</summary>
    Sqlite = 0,

    /// <summary>Production: PostgreSQL.</summary>
    Postgres = 1,
}
