using ClawGroups.Data.Database;
using ClawGroups.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ClawGroups.Testing.Databases;

/// <summary>A fresh, empty database on either provider: a new database on the shared PostgreSQL server, or a new SQLite file.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _sqliteFile;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFile = sqliteFile;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var server = await PostgresServer.SharedAsync();
            return new TestDatabase(provider, await server.CreateDatabaseAsync(), null);
        }

        var file = Path.Combine(Path.GetTempPath(), $"clawgroups-test-{Guid.NewGuid():N}.db");
        return new TestDatabase(provider, $"Data Source={file};Pooling=False", file);
    }

    /// <summary>A PostgreSQL connection string naming a database that does not exist yet: for tests of creating it.</summary>
    public static async Task<TestDatabase> NotYetCreatedAsync()
    {
        var server = await PostgresServer.SharedAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = $"missing_{Guid.NewGuid():N}", Pooling = true }.ToString();
        return new TestDatabase(DatabaseProvider.Postgres, connectionString, null);
    }

    public DbContextOptions<ClawDbContext> ContextOptions()
    {
        var builder = new DbContextOptionsBuilder<ClawDbContext>();
        builder.UseClawDatabase(Provider, ConnectionString);
        return builder.Options;
    }

    public ClawDbContext NewContext() => new(ContextOptions());

    /// <summary>A fresh database with every migration applied.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(DatabaseProvider provider)
    {
        var database = await CreateAsync(provider);
        await using var context = database.NewContext();
        await context.Database.MigrateAsync();
        return database;
    }

    public void Dispose()
    {
        if (_sqliteFile is not null)
        {
            foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
