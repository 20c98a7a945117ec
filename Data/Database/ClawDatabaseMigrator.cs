using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
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
        if (database.Provider != DatabaseProvider.Postgres)
        {
            await ApplyPendingAsync(context, database.Provider, cancellationToken);
            return;
        }

        // Nodes starting at once on an empty database take turns at the whole migration. EF's own lock does not make them:
        // with it, a second node applied the second migration again after the first node had ("column already exists",
        // MigrationTests). A session's advisory lock is held on one connection, so the context keeps its connection open
        // until the turn is over.
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await context.Database.ExecuteSqlRawAsync(TakeMigrationTurn, cancellationToken);
            await CreateHistoryTableAsync(context, cancellationToken);
            await ApplyPendingAsync(context, database.Provider, cancellationToken);
        }
        finally
        {
            await GiveTurnBackAsync(context);
        }
    }

    /// <summary>
    /// The advisory lock nodes take turns at a migration under, in a namespace of its own (0x4d696772, "Migr") as
    /// <see cref="ProcessLiveness"/>'s and the group passes' locks have theirs.
    /// </summary>
    private const string TakeMigrationTurn = "SELECT pg_advisory_lock(1298753394, 0);";

    private const string GiveMigrationTurnBack = "SELECT pg_advisory_unlock(1298753394, 0);";

    private static async Task GiveTurnBackAsync(ClawDbContext context)
    {
        try
        {
            // CancellationToken.None: the turn is given back even when the start was cancelled.
            await context.Database.ExecuteSqlRawAsync(GiveMigrationTurnBack, CancellationToken.None);
        }
        catch (DbException)
        {
            // The connection broke, and its session's lock went with it; what broke it is the exception that matters.
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

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
        => context.Database.ExecuteSqlRawAsync(context.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);

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
