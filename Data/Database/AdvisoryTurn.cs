using Npgsql;

namespace ClawGroups.Data.Database;

/// <summary>
/// A turn across every node on one PostgreSQL database: an advisory lock on a key, waited for in PostgreSQL's queue (which
/// grants it in the order asked) and held until the returned handle is disposed. Group passes take turns with it
/// (decision 0037), and so do nodes migrating the database at start-up.
/// </summary>
/// <remarks>
/// The lock lives in a transaction of its own, held open for the turn, on a connection from a pool of its own (the
/// caller's connection string names it): a transaction keeps one server session even behind a pooler in transaction mode,
/// the server drops the lock when the transaction or its session ends, and a connection handed back to the pool with its
/// transaction open is rolled back first; so no lock outlives its turn. The transaction takes no snapshot and writes nothing.
/// </remarks>
public static class AdvisoryTurn
{
    /// <summary>
    /// Waits for the turn on (<paramref name="space"/>, <paramref name="key"/>) and holds it until the handle is disposed. A
    /// wait longer than <paramref name="longestWait"/> fails with PostgreSQL's <c>lock_not_available</c> (55P03).
    /// </summary>
    /// <param name="connectionString">The turn's own pool: a connection string with an application name of its own.</param>
    /// <param name="releaseFailed">Logs a release that failed (its connection is closed, which ends the turn): the caller's
    /// warning, with what the turn was for.</param>
    public static async Task<IAsyncDisposable> TakeAsync(
        string connectionString, int space, int key, TimeSpan longestWait, Action<Exception> releaseFailed, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var take = new NpgsqlCommand(TakeSql(longestWait), connection, transaction)
            {
                // The server ends the wait (lock_timeout); this is only for a server that stops answering altogether.
                CommandTimeout = (int)longestWait.TotalSeconds + 30,
            };
            take.Parameters.AddWithValue("space", space);
            take.Parameters.AddWithValue("key", key);
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection, transaction, releaseFailed);
        }
        catch
        {
            // Whatever was granted goes with the transaction: disposing the connection rolls it back on its way to the pool.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether <paramref name="exception"/> is a turn's wait that ran out (lock_timeout).</summary>
    public static bool WaitRanOut(Exception exception) => exception is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    /// <summary>
    /// The turn's own settings, whatever the role or database sets: the wait is bounded on the server, the open transaction
    /// is not cut short as idle, and the server notices a node that vanished without closing its socket (a frozen machine,
    /// a partition) within a minute rather than the operating system's two hours.
    /// </summary>
    private static string TakeSql(TimeSpan longestWait) =>
        $"SET LOCAL lock_timeout = '{(int)longestWait.TotalSeconds}s'; SET LOCAL statement_timeout = 0; " +
        "SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL tcp_keepalives_idle = 30; " +
        "SET LOCAL tcp_keepalives_interval = 10; SET LOCAL tcp_keepalives_count = 3; " +
        "SELECT pg_advisory_xact_lock(@space, @key)";

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction, Action<Exception> releaseFailed) : IAsyncDisposable
    {
        /// <summary>
        /// Ends the turn. Never throws: a release that fails (the session already gone, which took the lock with it) must not
        /// replace what the turn's own work threw, nor fail work that succeeded.
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Not cancellable: work cancelled as the node stops must still let the other nodes have the turn.
                await transaction.RollbackAsync(CancellationToken.None);
            }
#pragma warning disable CA1031 // See the summary: the work's own outcome is what the caller must see.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                releaseFailed(exception);
            }
            finally
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }
}
