using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Database;
using ClawGroups.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Hosting;

public static class StartupTasks
{
    /// <summary>
    /// Brings the database up to date (unless <c>Database:MigrateOnStartup</c> is false), marks this process alive in it
    /// (what a crashed one reserved is then free), and creates the bootstrap owner when a bootstrap token is configured. Runs before the app serves
    /// requests or runs jobs; the stall sweep's start-up grace counts from its end.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.Services;
        if (services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value.MigrateOnStartup)
        {
            await services.GetRequiredService<ClawDatabaseMigrator>().MigrateAsync(cancellationToken);
        }

        // From here until the process ends, the database can tell that it is alive (what its requests reserved is theirs).
        await services.GetRequiredService<ProcessLiveness>().HoldAsync(cancellationToken);
        if (!string.IsNullOrEmpty(services.GetRequiredService<IOptions<ClawGroupsOptions>>().Value.BootstrapToken))
        {
            var contextFactory = services.GetRequiredService<IDbContextFactory<ClawDbContext>>();
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            await BootstrapOwner.EnsureExistsAsync(context, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
        }

        _ = services.GetRequiredService<ProcessStart>();
    }
}
