using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClawGroups.Web.Tests.Hosting;

[Collection(WebTestCollection.Name)]
public sealed class ProviderSelectionTests
{
    [Fact]
    public async Task The_embedded_default_creates_and_migrates_a_sqlite_file_on_first_start()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"clawgroups-embedded-{Guid.NewGuid():N}", "not-yet-created");
        var file = Path.Combine(folder, "claw.db");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:ClawGroups"] = $"Data Source={file}" };
        try
        {
            await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite, settings);

            Assert.True(File.Exists(file), "the SQLite file was not created");
            await using var scope = app.Services.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
            Assert.True(context.Database.IsSqlite());
            Assert.Empty(await context.Database.GetPendingMigrationsAsync());
            Assert.IsType<InMemoryStorage>(app.Services.GetRequiredService<JobStorage>());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_configuration_puts_the_data_and_the_jobs_on_postgres()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Postgres);

        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        Assert.True(context.Database.IsNpgsql());
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.IsType<PostgreSqlStorage>(app.Services.GetRequiredService<JobStorage>());
        await using var connection = new NpgsqlConnection(app.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire'", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0, "Hangfire's tables were not created in PostgreSQL");
    }

    [Fact]
    public async Task Turning_off_migration_at_start_up_leaves_the_database_untouched()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var app = new ClawAppFactory(database, new Dictionary<string, string?>
        {
            ["Database:MigrateOnStartup"] = "false",
            ["ClawGroups:BootstrapToken"] = "",
        });
        _ = app.Server;

        await using var context = database.NewContext();
        Assert.NotEmpty(await context.Database.GetPendingMigrationsAsync());
    }

    [Theory]
    [InlineData("clawgroups.db", "/srv/claw/clawgroups.db")]
    [InlineData("data/claw.db", "/srv/claw/data/claw.db")]
    [InlineData("/var/lib/claw/claw.db", "/var/lib/claw/claw.db")]
    public void A_relative_sqlite_path_is_resolved_against_the_content_root(string dataSource, string expected)
    {
        var resolved = DataHostingExtensions.ResolveConnectionString(DatabaseProvider.Sqlite, $"Data Source={dataSource}", "/srv/claw");

        Assert.Equal(expected, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(resolved).DataSource);
    }

    [Fact]
    public void Without_a_connection_string_sqlite_uses_the_default_file_under_the_content_root()
    {
        var resolved = DataHostingExtensions.ResolveConnectionString(DatabaseProvider.Sqlite, "", "/srv/claw");

        Assert.Equal("/srv/claw/App_Data/clawgroups.db", new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(resolved).DataSource);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_fails_at_start_with_a_message_that_names_the_setting()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new ClawAppFactory(database, new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ClawGroups"] = "",
        });

        var failure = Record.Exception(() => app.Server);

        Assert.NotNull(failure);
        Assert.Contains("ConnectionStrings:ClawGroups", failure.ToString(), StringComparison.Ordinal);
    }
}
