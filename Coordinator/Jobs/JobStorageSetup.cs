using ClawGroups.Data.Database;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>Chooses Hangfire's storage to match the database: in memory on the embedded default, PostgreSQL in production.</summary>
internal static class JobStorageSetup
{
    public const string PostgresSchema = "hangfire";

    public static IGlobalConfiguration UseClawJobStorage(
        this IGlobalConfiguration configuration, ClawDatabaseOptions database, JobSystemOptions jobs)
    {
        return database.Provider switch
        {
            // Jobs here are re-derivable from the database (passes and sweeps re-read state), so losing the
            // in-memory queue on restart loses no work: the safety-net pass re-enqueues what is needed.
            DatabaseProvider.Sqlite => configuration.UseInMemoryStorage(new InMemoryStorageOptions
            {
                IdType = InMemoryStorageIdType.Long,
            }),
            DatabaseProvider.Postgres => configuration.UsePostgreSqlStorage(
                bootstrapper => bootstrapper.UseNpgsqlConnection(database.ConnectionString),
                new PostgreSqlStorageOptions
                {
                    SchemaName = PostgresSchema,
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = jobs.QueuePollInterval,
                    // LISTEN/NOTIFY: a job enqueued by another process starts in milliseconds, not at the next poll.
                    EnableLongPolling = true,
                }),
            _ => throw new ArgumentOutOfRangeException(nameof(database), database.Provider, "Unknown database provider."),
        };
    }
}
