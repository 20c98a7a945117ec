using System.Collections.Concurrent;
using System.Data.Common;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClawGroups.Data.Tests;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Migrations_create_every_table_in_an_empty_database(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider);

        await MigratorFor(database).MigrateAsync(CancellationToken.None);

        await using var context = database.NewContext();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await context.Database.GetAppliedMigrationsAsync());
        // Every entity set can be queried: its table exists with the columns the model expects.
        Assert.Equal(0, await context.WorkItems.CountAsync());
        Assert.Equal(0, await context.Agents.Include(a => a.Skills).CountAsync());
        Assert.Equal(0, await context.OutboxMessages.Include(m => m.DeliveryAttempts).CountAsync());
        Assert.Equal(0, await context.TrailEvents.CountAsync());
        Assert.Equal(0, await context.Users.CountAsync());
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task A_first_start_sends_no_command_that_fails(DatabaseProvider provider)
    {
        // EF logs every failed command as an error; Npgsql's provider read the missing history table to learn it was missing.
        using var database = await TestDatabase.CreateAsync(provider);
        var failures = new FailedCommands();

        await MigratorFor(database, failures).MigrateAsync(CancellationToken.None);
        await MigratorFor(database, failures).MigrateAsync(CancellationToken.None);

        Assert.Empty(failures.Texts);
        await using var context = database.NewContext();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Nodes_starting_at_once_on_an_empty_database_all_start_and_apply_each_migration_once()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var failures = new FailedCommands();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => MigratorFor(database, failures).MigrateAsync(CancellationToken.None))));

        Assert.Empty(failures.Texts);
        await using var context = database.NewContext();
        var applied = (await context.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Equal(context.Database.GetMigrations(), applied);
    }

    [Fact]
    public async Task Nodes_starting_at_once_without_a_database_create_it_and_none_reports_a_failure()
    {
        // EF logged the CREATE DATABASE that lost the race as an error, though the node went on as it should. Tried until two
        // nodes do race (one finds the database made by another), which three nodes at once do nearly every time.
        var raced = false;
        for (var attempt = 0; attempt < 5 && !raced; attempt++)
        {
            using var database = await TestDatabase.NotYetCreatedAsync();
            var failures = new FailedCommands();
            var log = new MessagesLogged();

            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => MigratorFor(database, failures, log).MigrateAsync(CancellationToken.None))));

            Assert.Empty(failures.Texts);
            await using var context = database.NewContext();
            Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync());
            raced = log.Messages.Any(message => message.StartsWith("Another node created the database", StringComparison.Ordinal));
        }

        Assert.True(raced, "no two of three nodes raced to create the database in five tries");
    }

    [Fact]
    public async Task A_node_starting_while_another_holds_the_migration_turn_waits_for_it()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var other = new NpgsqlConnection(database.ConnectionString);
        await other.OpenAsync();
        var othersTurn = await other.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ClawDatabaseMigrator.MigrationLockNamespace}, 0)", other, othersTurn))
        {
            await take.ExecuteNonQueryAsync();
        }

        var starting = MigratorFor(database).MigrateAsync(CancellationToken.None);

        // Waiting in PostgreSQL's queue for the turn: an advisory lock of the migrations' namespace asked for and not granted.
        await using var watch = new NpgsqlConnection(database.ConnectionString);
        await watch.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = @space AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", watch);
        waiting.Parameters.AddWithValue("space", ClawDatabaseMigrator.MigrationLockNamespace);
        await Eventually.ReachAsync(
            async () => starting.IsFaulted ? throw starting.Exception! : (long)(await waiting.ExecuteScalarAsync())!,
            asked => asked > 0, "the starting node asking for the migration turn");

        Assert.False(starting.IsCompleted);
        await othersTurn.RollbackAsync();
        await starting.WaitAsync(TimeSpan.FromSeconds(60));

        await using var context = database.NewContext();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task A_second_start_against_an_existing_database_changes_nothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider);
        var migrator = MigratorFor(database);
        await migrator.MigrateAsync(CancellationToken.None);
        var graph = SampleGraph.Create();
        await using (var context = database.NewContext())
        {
            context.Users.Add(graph.User);
            context.Groups.Add(graph.Group);
            await context.SaveChangesAsync();
        }

        List<string> appliedBefore;
        await using (var context = database.NewContext())
        {
            appliedBefore = (await context.Database.GetAppliedMigrationsAsync()).ToList();
        }

        await migrator.MigrateAsync(CancellationToken.None);

        await using var after = database.NewContext();
        Assert.Equal(appliedBefore, await after.Database.GetAppliedMigrationsAsync());
        var group = await after.Groups.SingleAsync();
        Assert.Equal(graph.Group.Name, group.Name);
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task The_model_has_no_change_that_no_migration_captures(DatabaseProvider provider)
    {
        // Building the model does not connect, so no server is needed; the connection string only names one.
        var options = new DbContextOptionsBuilder<ClawDbContext>();
        options.UseClawDatabase(provider, provider == DatabaseProvider.Postgres ? "Host=unused" : "Data Source=unused.db");
        await using var context = new ClawDbContext(options.Options);

        Assert.False(context.Database.HasPendingModelChanges(),
            $"The {provider} model differs from its last migration. Add one: " +
            $"dotnet ef migrations add <Name> --project migrations/{provider} --startup-project migrations/{provider}");
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Every_migration_runs_in_its_own_one_transaction(DatabaseProvider provider)
    {
        // EF warns of an operation it must run outside the migration's transaction (its SQLite table rebuild turns the foreign
        // keys off between transactions of its own): a crash between them leaves the migration half applied, and the next
        // start fails on it. Here that warning is an error.
        using var database = await TestDatabase.CreateAsync(provider);
        var options = new DbContextOptionsBuilder<ClawDbContext>();
        options.UseClawDatabase(database.Provider, database.ConnectionString);
        options.ConfigureWarnings(warnings => warnings.Throw(RelationalEventId.NonTransactionalMigrationOperationWarning));
        await using var context = new ClawDbContext(options.Options);

        await context.Database.MigrateAsync();

        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    private static ClawDatabaseMigrator MigratorFor(TestDatabase database, FailedCommands? failures = null, ILogger<ClawDatabaseMigrator>? logger = null)
    {
        var options = Options.Create(new ClawDatabaseOptions { Provider = database.Provider, ConnectionString = database.ConnectionString });
        return new ClawDatabaseMigrator(new TestContextFactory(database, failures), options, logger ?? NullLogger<ClawDatabaseMigrator>.Instance);
    }

    private sealed class MessagesLogged : ILogger<ClawDatabaseMigrator>
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Messages.Enqueue(formatter(state, exception));
    }

    private sealed class TestContextFactory(TestDatabase database, FailedCommands? failures) : IDbContextFactory<ClawDbContext>
    {
        public ClawDbContext CreateDbContext()
        {
            if (failures is null)
            {
                return database.NewContext();
            }

            var builder = new DbContextOptionsBuilder<ClawDbContext>();
            builder.UseClawDatabase(database.Provider, database.ConnectionString);
            builder.AddInterceptors(failures);
            return new ClawDbContext(builder.Options);
        }
    }

    private sealed class FailedCommands : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Texts { get; } = new();

        public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Texts.Enqueue(command.CommandText);

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return Task.CompletedTask;
        }
    }
}
