using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

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
        if (database.Provider != DatabaseProvider.Postgres)
        {
            await ApplyPendingAsync(context, database.Provider, cancellationToken);
            return;
        }

        await CreateDatabaseAsync(context, database.ConnectionString!, cancellationToken);
        // Nodes starting at once on an empty database take turns at the whole migration. EF's own lock does not make them:
        // it is taken for each migration's transaction, and a second node applied the second migration again after the
        // first node had ("column already exists", MigrationTests).
        await using (await TakeMigrationTurnAsync(database.ConnectionString!, cancellationToken))
        {
            await CreateHistoryTableAsync(context, cancellationToken);
            await ApplyPendingAsync(context, database.Provider, cancellationToken);
        }
    }

    /// <summary>The advisory lock namespace nodes take turns at a migration under ("Migr"), apart from the group passes' and <see cref="ProcessLiveness"/>'s.</summary>
    public const int MigrationLockNamespace = 0x4d696772;

    /// <summary>How long a starting node waits for another node's migration: room for a long one; a start that waited this long fails and says why.</summary>
    public static readonly TimeSpan LongestMigrationWait = TimeSpan.FromMinutes(15);

    private async Task<IAsyncDisposable> TakeMigrationTurnAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Not pooled: one connection a start, closed with its turn rather than kept idle.
        var ownConnection = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "ClawGroups migration lock", Pooling = false }.ConnectionString;
        try
        {
            return await AdvisoryTurn.TakeAsync(
                ownConnection, MigrationLockNamespace, 0, LongestMigrationWait, exception => LogTurnReleaseFailed(logger, exception), cancellationToken);
        }
        catch (PostgresException waited) when (AdvisoryTurn.WaitRanOut(waited))
        {
            throw new InvalidOperationException(
                $"Another node has been migrating the database for over {LongestMigrationWait.TotalMinutes:0} minutes, so this one did not start. " +
                "Start it again once that migration has finished (pg_stat_activity shows the \"ClawGroups migration lock\" session that holds it).", waited);
        }
    }

    /// <summary>
    /// Creates the database when it does not exist, as EF's creator would (no turn can be taken in a database not yet made):
    /// <c>CREATE DATABASE</c> from the server's maintenance database, <c>postgres</c>. Sent here rather than through EF, which
    /// logs a failed command as an error before its caller can look at it: of two nodes creating the database at once, the
    /// one that finds it made a moment earlier has nothing wrong to report, and goes on.
    /// </summary>
    private async Task CreateDatabaseAsync(ClawDbContext context, string connectionString, CancellationToken cancellationToken)
    {
        if (await context.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
        {
            return;
        }

        var target = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's own default when the string names none: the database named as the user is.
        var name = target.Database ?? target.Username ?? throw new InvalidOperationException("The PostgreSQL connection string names neither a database nor a user.");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = MaintenanceDatabase, Pooling = false, Multiplexing = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {QuotedIdentifier(name)}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, name);
        }
        catch (PostgresException made) when (made.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // 42P04 when the other node's database was there when this one asked; 23505 when both were writing the catalog at once.
            LogMadeElsewhere(logger, made.SqlState);
        }
    }

    /// <summary>Where a database is created from: the maintenance database every PostgreSQL server has, as EF's creator uses.</summary>
    private const string MaintenanceDatabase = "postgres";

    private static string QuotedIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private async Task ApplyPendingAsync(ClawDbContext context, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            LogUpToDate(logger, provider);
            return;
        }

        LogApplying(logger, pending.Count, provider, string.Join(", ", pending));
        await context.Database.MigrateAsync(cancellationToken);

        if (provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging lets the board read while the coordinator writes. The mode is stored in the file.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// Makes the migrations' history table before EF reads it. Npgsql's EF provider does not look for the table first: it
    /// reads it and catches "no such table", and EF logs that failed read as an error (npgsql/efcore.pg#3407), twice on every
    /// first start, which an operator reads as a broken install. Made with EF's own script, so the table is the one EF makes.
    /// </summary>
    private static Task CreateHistoryTableAsync(ClawDbContext context, CancellationToken cancellationToken)
    {
        // EF's raw SQL methods format their text: braces in the script, were there any, are escaped to reach it as written.
        var script = context.GetService<IHistoryRepository>().GetCreateIfNotExistsScript();
        return context.Database.ExecuteSqlRawAsync(script.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The migration turn could not be ended cleanly; its connection is closed, which ends it")]
    private static partial void LogTurnReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the PostgreSQL database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another node created the database a moment before this one tried ({SqlState}); going on")]
    private static partial void LogMadeElsewhere(ILogger logger, string sqlState);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ({Provider}) is up to date")]
    private static partial void LogUpToDate(ILogger logger, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to the {Provider} database: {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, DatabaseProvider provider, string migrations);
}
