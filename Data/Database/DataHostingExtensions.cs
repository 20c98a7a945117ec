using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Data.Database;

public static class DataHostingExtensions
{
    /// <summary>
    /// Registers <see cref="ClawDbContext"/> (scoped, and a pooled factory for Blazor circuits and jobs) on the provider
    /// that configuration selects, and the start-up migrator.
    /// </summary>
    public static IHostApplicationBuilder AddClawData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<ClawDatabaseOptions>()
            .Bind(builder.Configuration.GetSection(ClawDatabaseOptions.SectionName))
            .PostConfigure(options => options.ConnectionString = ResolveConnectionString(
                options.Provider, builder.Configuration.GetConnectionString(ClawDatabaseOptions.ConnectionStringName),
                builder.Environment.ContentRootPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Pooled: an unpooled context builds its own scope of EF's services, and a request makes two or three contexts
        // (authentication, the Idempotency-Key filter, the handler's), which was 8 % of an agent call's CPU and half of what
        // it allocated. A pooled context is reset between leases; what our interceptors keep per context or connection is
        // safe across leases (LiveChangeCapture, SqliteWriteGate: see their tests with a pooled factory).
        builder.Services.AddPooledDbContextFactory<ClawDbContext>((services, options) =>
        {
            var database = services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value;
            options.UseClawDatabase(database.Provider, database.ConnectionString!);
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                options.AddInterceptors(
                    services.GetRequiredService<SqliteWriteGate>(), services.GetRequiredService<SqliteConnectionSettings>(),
                    services.GetRequiredService<SqliteKeptStatements>());
            }

            if (database.CountCommands)
            {
                options.AddInterceptors(services.GetRequiredService<DatabaseCommandTally>());
            }

            // Other parts observe saves through interceptors (the coordinator's live updates), without Data knowing them.
            options.AddInterceptors(services.GetServices<IInterceptor>());
        });
        builder.Services.AddScoped(services =>
            services.GetRequiredService<IDbContextFactory<ClawDbContext>>().CreateDbContext());
        builder.Services.AddSingleton<ClawDatabaseMigrator>();
        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddHostedService<WriteGateReport>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseCommandTally>();
        builder.Services.AddSingleton(services =>
        {
            var database = services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value;
            return new SqliteConnectionSettings(database.SqliteDurability, database.SqliteMemoryLimitMegabytes, SqliteCheckpoints.AppliesTo(database));
        });
        builder.Services.AddSingleton(services =>
            new SqliteKeptStatements(services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value.SqliteStatementsKept,
                services.GetService<Microsoft.Extensions.Logging.ILogger<SqliteKeptStatements>>()));
        builder.Services.AddHostedService<SqliteCheckpoints>();
        builder.Services.AddSingleton(services => new ProcessLiveness(services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value));
        return builder;
    }

    /// <summary>
    /// The configured connection string, or for SQLite the default file under the content root. A relative
    /// SQLite path is made absolute against the content root, so the file does not move with the working directory.
    /// </summary>
    public static string? ResolveConnectionString(DatabaseProvider provider, string? configured, string contentRoot)
    {
        if (provider != DatabaseProvider.Sqlite)
        {
            return string.IsNullOrWhiteSpace(configured) ? null : configured;
        }

        var sqlite = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? $"Data Source={ClawDatabaseOptions.DefaultSqliteFile}" : configured);
        if (sqlite.DataSource != ":memory:" && !Path.IsPathRooted(sqlite.DataSource) && sqlite.Mode != SqliteOpenMode.Memory)
        {
            sqlite.DataSource = Path.GetFullPath(Path.Combine(contentRoot, sqlite.DataSource));
        }

        // Writers wait for each other (SQLite has one writer at a time) instead of failing at once.
        if (sqlite.DefaultTimeout < 30)
        {
            sqlite.DefaultTimeout = 30;
        }

        return sqlite.ToString();
    }
}
