using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ClawGroups.Data.Database;

/// <summary>
/// Whether the process that wrote something (an <c>Idempotency-Key</c> reservation) is still running. On PostgreSQL
/// each process holds a session advisory lock on its own key for as long as it lives, on a connection of its own: the
/// server drops the lock the moment the process dies, whatever killed it, so "can I take that lock?" means "is that
/// process gone?". SQLite is one process by design (the embedded default), so any other key is a process before a restart.
/// </summary>
public sealed class ProcessLiveness(ClawDatabaseOptions database) : IAsyncDisposable
{
    /// <summary>The first half of every key: keeps these locks apart from any other advisory lock in the database.</summary>
    private const int LockNamespace = 0x436c6177;

    private NpgsqlConnection? _held;

    /// <summary>This process's key, random per start.</summary>
    public int Key { get; } = Random.Shared.Next(1, int.MaxValue);

    /// <summary>True where the database is this process's alone (SQLite): nothing another process wrote can still be in progress.</summary>
    public bool AloneOnTheDatabase => database.Provider != DatabaseProvider.Postgres;

    /// <summary>Takes this process's lock (PostgreSQL); called once at start-up, before any request is served.</summary>
    public async Task HoldAsync(CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Postgres || _held is not null)
        {
            return;
        }

        // Not from the pool: the lock lives exactly as long as this connection, which is never handed to anyone else.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Pooling = false, ApplicationName = "ClawGroups process liveness", KeepAlive = 30,
        }.ConnectionString;
        _held = new NpgsqlConnection(connectionString);
        await _held.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@space, @key)", _held);
        command.Parameters.AddWithValue("space", LockNamespace);
        command.Parameters.AddWithValue("key", Key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether the process with <paramref name="key"/> is still running; asked through <paramref name="context"/>'s connection.</summary>
    public async Task<bool> IsAliveAsync(ClawDbContext context, int key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (key == Key)
        {
            return true;
        }

        if (database.Provider != DatabaseProvider.Postgres)
        {
            return false;
        }

        // A transaction-scoped try: if it is granted, nobody held the lock, and it is released as the statement ends.
        var free = await context.Database
            .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockNamespace}, {key}) AS \"Value\"")
            .SingleAsync(cancellationToken);
        return !free;
    }

    public async ValueTask DisposeAsync()
    {
        if (_held is not null)
        {
            await _held.DisposeAsync();
            _held = null;
        }
    }
}
