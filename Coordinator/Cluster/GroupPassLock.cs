using System.Buffers.Binary;
using ClawGroups.Data.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// One assignment pass per group at a time across every node on the database. <see cref="Assignments.GroupPassTurns"/>
/// keeps a node's own passes in turn; between nodes, passes of one group used to run side by side and meet at the save,
/// where all but one lost the race after reading and scoring everything (440 of 2,800 passes in a soak of two nodes). On
/// PostgreSQL a pass turn now holds a transaction-scoped advisory lock on its group; a node whose turn finds it held waits
/// in PostgreSQL's queue for it, which grants it in the order asked, so two nodes with work for one group take turns.
/// SQLite is one node by design: there is nothing to wait for.
/// </summary>
/// <remarks>
/// The lock lives in a transaction of its own, held open for the turn, on a connection from a pool of its own: a
/// transaction keeps one server session even behind a pooler in transaction mode, the server drops the lock when the
/// transaction or its session ends, and a connection handed back to the pool with its transaction open is rolled back
/// first; so no lock outlives its turn. The transaction takes no snapshot and writes nothing.
/// </remarks>
public sealed partial class GroupPassLock(IOptions<ClawDatabaseOptions> database, ILogger<GroupPassLock> logger)
{
    /// <summary>The first half of every key: keeps these locks apart from <see cref="ProcessLiveness"/>'s and anyone else's.</summary>
    private const int LockNamespace = 0x50617373;

    /// <summary>
    /// How long a pass waits for another node's pass of its group: many passes' worth. A pass that waited this long fails
    /// (the bulkhead records it) and the sweep asks again, rather than holding a job worker while the other node is stuck.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The turn's own settings, whatever the role or database sets: the wait is bounded by <see cref="LongestWait"/> on the
    /// server, the open transaction is not cut short as idle, and the server notices a node that vanished without closing its
    /// socket (a frozen machine, a partition) within a minute rather than the operating system's two hours.
    /// </summary>
    private static readonly string TakeSql =
        $"SET LOCAL lock_timeout = '{(int)LongestWait.TotalSeconds}s'; SET LOCAL statement_timeout = 0; " +
        "SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL tcp_keepalives_idle = 30; " +
        "SET LOCAL tcp_keepalives_interval = 10; SET LOCAL tcp_keepalives_count = 3; " +
        "SELECT pg_advisory_xact_lock(@space, @key)";

    /// <summary>The pool's own name: its connections wait and hold while the passes' own connections work.</summary>
    private readonly Lazy<string> _connectionString = new(() => new NpgsqlConnectionStringBuilder(database.Value.ConnectionString)
    {
        ApplicationName = "ClawGroups group pass lock",
    }.ConnectionString);

    /// <summary>Waits for the group's turn and holds it until the returned handle is disposed.</summary>
    public async Task<IAsyncDisposable> TakeAsync(Guid groupId, CancellationToken cancellationToken)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres)
        {
            return NoLock.Instance;
        }

        var connection = new NpgsqlConnection(_connectionString.Value);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var take = new NpgsqlCommand(TakeSql, connection, transaction)
            {
                // The server ends the wait (lock_timeout); this is only for a server that stops answering altogether.
                CommandTimeout = (int)LongestWait.TotalSeconds + 30,
            };
            take.Parameters.AddWithValue("space", LockNamespace);
            take.Parameters.AddWithValue("key", KeyOf(groupId));
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection, transaction, groupId, logger);
        }
        catch
        {
            // Whatever was granted goes with the transaction: disposing the connection rolls it back on its way to the pool.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The group's half of the key: its id's four words folded into one (two groups that share one take turns, no harm).</summary>
    private static int KeyOf(Guid groupId)
    {
        Span<byte> bytes = stackalloc byte[16];
        groupId.TryWriteBytes(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes)
            ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[4..])
            ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[8..])
            ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The pass turn of group {GroupId} could not be ended cleanly; its connection is closed, which ends it")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, Guid groupId);

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid groupId, ILogger logger) : IAsyncDisposable
    {
        /// <summary>
        /// Ends the turn. Never throws: a release that fails (the session already gone, which took the lock with it) must not
        /// replace what the pass itself threw, nor fail a pass that succeeded.
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Not cancellable: a pass cancelled as the node stops must still let the other nodes have the group.
                await transaction.RollbackAsync(CancellationToken.None);
            }
#pragma warning disable CA1031 // See the summary: the pass's own outcome is what the caller must see.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogReleaseFailed(logger, exception, groupId);
            }
            finally
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
