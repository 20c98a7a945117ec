using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Database;

/// <summary>Creates the database if needed and applies pending migrations, at start-up or on demand.</summary>
public sealed partial class ClawDatabaseMigrator(
    IDbContextFactory<ClawDbContext> contextFactory,
    IOptions<ClawDatabaseOptions> options,
    ILogger<ClawDatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var database = options.Value;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            PrepareSqliteFile(database.ConnectionString!);
        }

        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            LogUpToDate(logger, database.Provider);
            return;
        }

        LogApplying(logger, pending.Count, database.Provider, string.Join(", ", pending));
        // EF Core takes a database-wide lock here, so several nodes starting at once migrate one at a time.
        await context.Database.MigrateAsync(cancellationToken);

        if (database.Provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging lets the board read while the coordinator writes. The mode is stored in the file.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private static void PrepareSqliteFile(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(dataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ({Provider}) is up to date")]
    private static partial void LogUpToDate(ILogger logger, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to the {Provider} database: {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, DatabaseProvider provider, string migrations);
}
