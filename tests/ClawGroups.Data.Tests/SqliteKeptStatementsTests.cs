using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SQLitePCL;

namespace ClawGroups.Data.Tests;

/// <summary>
/// EF's commands on the embedded database run on statements compiled once a handle and kept (decision 0048): read here from
/// SQLite itself, which counts the runs of each statement it holds on a handle.
/// </summary>
[Collection(SqlitePoolsCollection.Name)]
public sealed class SqliteKeptStatementsTests : IDisposable
{
    /// <summary>SQLite's SQLITE_STMTSTATUS_RUN: how many times a statement has run to its end.</summary>
    private const int RunsStatus = 6;

    private readonly string _directory = Directory.CreateTempSubdirectory("claw-kept-statements-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(128, 1, 5)]
    [InlineData(0, 0, 0)]
    public async Task A_query_run_again_with_other_values_runs_on_the_statement_compiled_the_first_time(int kept, int statements, int runs)
    {
        using var host = await MigratedHostAsync(kept);
        var groups = await AddGroupsAsync(host, 5);
        await using var context = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(context);

        var names = new List<string?>();
        foreach (var group in groups)
        {
            names.Add(await context.Groups.Where(g => g.Id == group.Id).Select(g => g.Name).SingleOrDefaultAsync());
        }

        Assert.Equal(groups.Select(g => g.Name), names);
        var held = Statements(handle).Where(s => s.Sql.Contains("\"g\".\"Name\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(statements, held.Count);
        Assert.Equal(runs, held.Sum(s => s.Runs));
    }

    [Fact]
    public async Task Statements_outlive_the_context_and_connection_that_compiled_them_and_serve_the_next_on_their_handle()
    {
        using var host = await MigratedHostAsync(kept: 128);
        var groups = await AddGroupsAsync(host, 2);
        await using (var first = Contexts(host).CreateDbContext())
        {
            await OpenAsync(first);
            Assert.Equal(groups[0].Name, await NameAsync(first, groups[0].Id));
        }

        // Another pooled context, whose connection is closed between its commands as EF closes it: the pool hands the same
        // handle back, with the statement on it.
        await using (var second = Contexts(host).CreateDbContext())
        {
            Assert.Equal(groups[1].Name, await NameAsync(second, groups[1].Id));
            Assert.Equal(groups[0].Name, await NameAsync(second, groups[0].Id));
        }

        await using var third = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(third, enumerable: false);
        var held = Statements(handle).Single(s => s.Sql.Contains("\"g\".\"Name\"", StringComparison.Ordinal));
        Assert.Equal(3, held.Runs);
    }

    [Fact]
    public async Task The_same_query_asked_while_its_reader_is_still_open_gets_a_statement_of_its_own()
    {
        using var host = await MigratedHostAsync(kept: 128);
        var groups = await AddGroupsAsync(host, 3);
        await using var context = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(context);

        var pairs = new List<(string Outer, int Inner)>();
        await foreach (var group in context.Groups.AsNoTracking().OrderBy(g => g.Name).AsAsyncEnumerable())
        {
            pairs.Add((group.Name, (await context.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync()).Count));
        }

        Assert.Equal(groups.Select(g => g.Name).Order().Select(name => (name, 3)), pairs);
        // The inner runs, each on a statement compiled for it alone, are gone; the outer one stays kept.
        var held = Assert.Single(Statements(handle), s => s.Sql.Contains("ORDER BY \"g\".\"Name\"", StringComparison.Ordinal));
        Assert.Equal(1, held.Runs);
    }

    [Fact]
    public async Task A_kept_insert_runs_in_each_transaction_it_is_given_and_outside_any()
    {
        using var host = await MigratedHostAsync(kept: 128);
        var creator = (await AddGroupsAsync(host, 1))[0].CreatedByUserId!.Value;
        await using var context = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(context);

        context.Groups.Add(NewGroup(creator, "kept"));
        await context.SaveChangesAsync();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            context.Groups.Add(NewGroup(creator, "rolled back"));
            await context.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        context.ChangeTracker.Clear();
        context.Groups.Add(NewGroup(creator, "kept too"));
        await context.SaveChangesAsync();

        await using var reader = Contexts(host).CreateDbContext();
        Assert.Equal(["group 0", "kept", "kept too"], await reader.Groups.Select(g => g.Name).OrderBy(n => n).ToListAsync());
        var insert = Statements(handle).Single(s => s.Sql.StartsWith("INSERT INTO \"Groups\"", StringComparison.Ordinal));
        Assert.Equal(3, insert.Runs);
    }

    [Fact]
    public async Task No_more_statements_than_the_bound_stay_on_a_handle_the_least_recently_run_given_up_first()
    {
        using var host = await MigratedHostAsync(kept: 2);
        var groups = await AddGroupsAsync(host, 1);
        await using var context = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(context);

        await context.Groups.CountAsync();
        await context.Users.CountAsync();
        await context.Agents.CountAsync();
        Assert.Equal(groups[0].Name, await NameAsync(context, groups[0].Id));

        var held = Statements(handle).Select(s => s.Sql).ToList();
        Assert.Equal(2, held.Count);
        Assert.Contains(held, sql => sql.Contains("FROM \"Agents\"", StringComparison.Ordinal));
        Assert.Contains(held, sql => sql.Contains("\"g\".\"Name\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_files_of_a_handle_the_pool_let_go_are_closed_once_the_next_handle_is_opened()
    {
        using var host = await MigratedHostAsync(kept: 128);
        var groups = await AddGroupsAsync(host, 1);
        SqliteConnection.ClearAllPools();
        await using (var context = Contexts(host).CreateDbContext())
        {
            Assert.Equal(groups[0].Name, await NameAsync(context, groups[0].Id));
        }

        var oneHandle = OpenFiles();
        Assert.True(oneHandle > 0);
        // The pool closes its idle handle; the statement kept on it holds its files open (SQLite closes it when the last
        // statement goes), until the next handle is opened and the kept statements of closed ones are given up.
        SqliteConnection.ClearAllPools();
        Assert.Equal(oneHandle, OpenFiles());

        await using (var context = Contexts(host).CreateDbContext())
        {
            Assert.Equal(groups[0].Name, await NameAsync(context, groups[0].Id));
        }

        Assert.Equal(oneHandle, OpenFiles());
    }

    [Fact]
    public async Task A_kept_insert_that_failed_runs_again_and_leaves_no_snapshot_of_the_file_behind()
    {
        using var host = await MigratedHostAsync(kept: 128);
        var existing = (await AddGroupsAsync(host, 1))[0];
        await using var context = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(context);

        context.Groups.Add(NewGroup(existing.CreatedByUserId!.Value, "a copy", existing.Id));
        await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        context.ChangeTracker.Clear();
        context.Groups.Add(NewGroup(existing.CreatedByUserId!.Value, "after the failure"));
        await context.SaveChangesAsync();

        await using var reader = Contexts(host).CreateDbContext();
        Assert.Equal(["after the failure", "group 0"], await reader.Groups.Select(g => g.Name).OrderBy(n => n).ToListAsync());
        Assert.Single(Statements(handle), s => s.Sql.StartsWith("INSERT INTO \"Groups\"", StringComparison.Ordinal));
        await WriteOneMoreAsync(host, existing.CreatedByUserId);
        Assert.Equal(0, Checkpoint().Busy);
    }

    [Fact]
    public async Task A_reader_broken_off_early_leaves_its_statement_reset_and_kept()
    {
        using var host = await MigratedHostAsync(kept: 128);
        await AddGroupsAsync(host, 3);
        await using var context = Contexts(host).CreateDbContext();
        var handle = await OpenAsync(context);

        var creator = await WriteOneMoreAsync(host, null);
        for (var run = 0; run < 2; run++)
        {
            await foreach (var _ in context.Groups.AsNoTracking().OrderBy(g => g.Name).AsAsyncEnumerable())
            {
                break;
            }
        }

        // Reset, it holds no snapshot of the file as it was: after a later commit, a checkpoint that needs every reader on
        // the latest one completes.
        await WriteOneMoreAsync(host, creator);
        Assert.Equal(0, Checkpoint().Busy);
        Assert.Equal(2, Assert.Single(Statements(handle), s => s.Sql.Contains("ORDER BY \"g\".\"Name\"", StringComparison.Ordinal)).Runs);
    }

    [Fact]
    public async Task A_reader_left_open_when_its_context_goes_back_to_the_pool_is_ended_with_its_connection()
    {
        using var host = await MigratedHostAsync(kept: 128);
        await AddGroupsAsync(host, 3);
        var creator = await WriteOneMoreAsync(host, null);
        await using (var context = Contexts(host).CreateDbContext())
        {
            var connection = context.GetService<IRelationalConnection>();
            var command = context.GetService<IRawSqlCommandBuilder>().Build("SELECT \"Name\" FROM \"Groups\" ORDER BY \"Name\"");
            // With the context's logger, as EF's own queries run: it is what lets interceptors make the command.
            var reader = await command.ExecuteReaderAsync(new RelationalCommandParameterObject(
                connection, null, null, context, context.GetService<Microsoft.EntityFrameworkCore.Diagnostics.IRelationalCommandDiagnosticsLogger>()));
            Assert.True(await reader.ReadAsync());
            // Never disposed: the context's return closes the connection under it.
        }

        await WriteOneMoreAsync(host, creator);
        Assert.Equal(0, Checkpoint().Busy);
    }

    [Fact]
    public async Task Many_contexts_at_once_running_the_same_queries_each_get_their_own_answers()
    {
        using var host = await MigratedHostAsync(kept: 128);
        var groups = await AddGroupsAsync(host, 8);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            await Task.Yield();
            var names = new List<string?>();
            for (var round = 0; round < 25; round++)
            {
                await using var context = Contexts(host).CreateDbContext();
                names.Add(await NameAsync(context, groups[(worker + round) % groups.Count].Id));
            }

            return (worker, names);
        }));

        foreach (var (worker, names) in answers)
        {
            Assert.Equal(Enumerable.Range(0, 25).Select(round => groups[(worker + round) % groups.Count].Name), names);
        }
    }

    [Fact]
    public async Task At_shutdown_the_statements_go_first_so_the_last_close_folds_the_log_back_into_the_file()
    {
        var host = await MigratedHostAsync(kept: 128);
        var groups = await AddGroupsAsync(host, 2);
        await using (var context = Contexts(host).CreateDbContext())
        {
            Assert.Equal(groups[1].Name, await NameAsync(context, groups[1].Id));
        }

        var log = Path.Combine(_directory, "claw.db-wal");
        Assert.True(File.Exists(log));

        host.Dispose();
        SqliteConnection.ClearAllPools();

        // SQLite's last close of a file in WAL mode copies the log back and deletes it: the .db alone is the database again.
        Assert.False(File.Exists(log));
    }

    [Fact]
    public void The_number_kept_is_128_unless_configured_and_a_negative_one_is_refused_at_start_up()
    {
        using var unset = BuiltHost(kept: null);
        using var negative = BuiltHost(kept: "-1");

        Assert.Equal(ClawDatabaseOptions.DefaultSqliteStatementsKept, unset.Services.GetRequiredService<SqliteKeptStatements>().PerHandle);
        Assert.Equal(128, ClawDatabaseOptions.DefaultSqliteStatementsKept);
        var failure = Assert.Throws<OptionsValidationException>(() => negative.Services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value);
        Assert.Contains("SqliteStatementsKept", failure.Message, StringComparison.Ordinal);
    }

    private static Task<string?> NameAsync(ClawDbContext context, Guid id)
        => context.Groups.Where(g => g.Id == id).Select(g => g.Name).SingleOrDefaultAsync();

    /// <summary>
    /// Opens the context's connection for the rest of its lease, so that its commands run on one handle, and has SQLite's
    /// statements on that handle listed from now on (SQLitePCL lists only those prepared after it is asked to).
    /// </summary>
    private static async Task<sqlite3> OpenAsync(ClawDbContext context, bool enumerable = true)
    {
        await context.Database.OpenConnectionAsync();
        var handle = ((SqliteConnection)context.Database.GetDbConnection()).Handle!;
        if (enumerable)
        {
            handle.enable_sqlite3_next_stmt(true);
        }

        return handle;
    }

    /// <summary>The statements SQLite holds on the handle: their SQL, and how often each ran.</summary>
    private static List<(string Sql, int Runs)> Statements(sqlite3 handle)
    {
        var statements = new List<(string, int)>();
        for (var statement = raw.sqlite3_next_stmt(handle, null); statement is not null; statement = raw.sqlite3_next_stmt(handle, statement))
        {
            statements.Add((raw.sqlite3_sql(statement).utf8_to_string(), raw.sqlite3_stmt_status(statement, RunsStatus, 0)));
        }

        return statements;
    }

    /// <summary>This process's open descriptors of the database file (its log and shared memory apart).</summary>
    private int OpenFiles()
    {
        var file = Path.Combine(_directory, "claw.db");
        return new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget is { } target && target == file);
    }

    private static IDbContextFactory<ClawDbContext> Contexts(IHost host) => host.Services.GetRequiredService<IDbContextFactory<ClawDbContext>>();

    private static async Task<List<Group>> AddGroupsAsync(IHost host, int count)
    {
        var user = new ClawUser
        {
            Id = Guid.CreateVersion7(), UserName = "ada@example.com", NormalizedUserName = "ADA@EXAMPLE.COM", Email = "ada@example.com",
            DisplayName = "Ada", CreatedAt = SampleGraph.Now,
        };
        var groups = Enumerable.Range(0, count).Select(i => NewGroup(user.Id, $"group {i}")).ToList();
        await using var context = Contexts(host).CreateDbContext();
        context.Users.Add(user);
        context.Groups.AddRange(groups);
        await context.SaveChangesAsync();
        // Let go of the handle this wrote on, so that the test's own commands start on a fresh one whose every statement
        // SQLitePCL can list.
        SqliteConnection.ClearAllPools();
        return groups;
    }

    private static Group NewGroup(Guid creator, string name, Guid? id = null)
        => new() { Id = id ?? Guid.CreateVersion7(), Name = name, CreatedByUserId = creator, CreatedAt = SampleGraph.Now };

    /// <summary>Commits one more group through a context of its own, so that the log holds a commit newer than any reader's start.</summary>
    private static async Task<Guid> WriteOneMoreAsync(IHost host, Guid? creator)
    {
        await using var context = Contexts(host).CreateDbContext();
        creator ??= await context.Users.Select(u => u.Id).FirstAsync();
        context.Groups.Add(NewGroup(creator.Value, $"one more {Guid.NewGuid():N}"));
        await context.SaveChangesAsync();
        return creator.Value;
    }

    /// <summary>
    /// A checkpoint that copies the whole log back and starts it again, which it can only do when no connection reads an
    /// older snapshot of the file; it reports busy (1) at once otherwise.
    /// </summary>
    private (long Busy, long LogPages, long Copied) Checkpoint()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "claw.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>The app's data registration on a pooled SQLite file, migrated.</summary>
    private async Task<IHost> MigratedHostAsync(int kept)
    {
        var host = BuiltHost(kept.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await host.Services.GetRequiredService<ClawDatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return host;
    }

    private IHost BuiltHost(string? kept) => SqliteDataHost.Build(_directory, ("Database:SqliteStatementsKept", kept));
}
