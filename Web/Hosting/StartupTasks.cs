using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Database;
using ClawGroups.Web.Accounts;
using ClawGroups.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Hosting;

public static partial class StartupTasks
{
    /// <summary>
    /// Brings the database up to date (unless <c>Database:MigrateOnStartup</c> is false), marks this process alive in it
    /// (what a crashed one reserved is then free), and creates the bootstrap owner when a bootstrap token is configured. Runs before the app serves
    /// requests or runs jobs; the stall sweep's start-up grace counts from its end. Then starts reading the stored
    /// Idempotency-Keys in the background (<see cref="LoadAnsweredKeysInBackground"/>).
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
        LoadAnsweredKeysInBackground(app);
    }

    /// <summary>
    /// Reads which Idempotency-Keys the database holds answers for (<see cref="AnsweredKeys"/>), where this process has the
    /// database alone, beside the first requests rather than before them: a large table takes seconds, and until the load ends
    /// every keyed request reads its key, as it did before the filter. A failed load leaves it so, and says why in the log.
    /// </summary>
    private static void LoadAnsweredKeysInBackground(WebApplication app)
    {
        var services = app.Services;
        if (!services.GetRequiredService<ProcessLiveness>().AloneOnTheDatabase)
        {
            return;
        }

        var stopping = app.Lifetime.ApplicationStopping;
        var contexts = services.GetRequiredService<IDbContextFactory<ClawDbContext>>();
        var keys = services.GetRequiredService<AnsweredKeys>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AnsweredKeys));
        _ = Task.Run(async () =>
        {
            try
            {
                await keys.LoadAsync(contexts, stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                LogLoadFailed(logger, e);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // The app stopped before the load ended: nothing is lost, the filter was never used as loaded.
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the stored Idempotency-Keys; every keyed request reads its key")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
