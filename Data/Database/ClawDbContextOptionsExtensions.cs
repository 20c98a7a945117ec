using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Database;

/// <summary>
/// Points a <see cref="DbContextOptionsBuilder"/> at the configured provider, with that provider's migrations
/// assembly. Used by the app, the design-time factories of <c>dotnet ef</c> and the tests alike.
/// </summary>
public static class ClawDbContextOptionsExtensions
{
    public const string PostgresMigrationsAssembly = "ClawGroups.Migrations.Postgres";

    public const string SqliteMigrationsAssembly = "ClawGroups.Migrations.Sqlite";

    public static DbContextOptionsBuilder UseClawDatabase(
        this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        return provider switch
        {
            DatabaseProvider.Postgres => builder.UseNpgsql(PostgresConnectionSettings.WithDefaults(connectionString), npgsql => npgsql
                .MigrationsAssembly(PostgresMigrationsAssembly)),
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, sqlite => sqlite
                .MigrationsAssembly(SqliteMigrationsAssembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
    }
}
