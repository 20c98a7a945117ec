using System.Buffers.Binary;
using ClawGroups.Data.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// One assignment pass per group at a time across every node on the database. <see cref="Assignments.GroupPassTurns"/>
/// keeps a node's own passes in turn; between nodes, passes of one group used to run side by side and meet at the save,
/// where all but one lost the race after reading and scoring everything. And the node that had a group's passes kept
/// them: a pass asked for while one ran there was folded into it, so in a soak of two nodes one made 68 % of the offers.
/// On PostgreSQL a pass now holds a session advisory lock on its group; a node whose pass finds it held waits in
/// PostgreSQL's queue for it, which grants it in the order asked, so two nodes with work for one group take turns.
/// SQLite is one node by design: there is nothing to wait for.
/// </summary>
public sealed class GroupPassLock(IOptions<ClawDatabaseOptions> database)
{
    /// <summary>The first half of every key: keeps these locks apart from <see cref="ProcessLiveness"/>'s and anyone else's.</summary>
    private const int LockNamespace = 0x50617373;

    /// <summary>
    /// How long a pass waits for another node's pass of its group: many passes' worth. A pass that waited this long fails
    /// (the bulkhead records it) and the sweep asks again, rather than holding a job worker while the other node is stuck.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the group's turn and holds it until the returned handle is disposed.</summary>
    public async Task<IAsyncDisposable> TakeAsync(Guid groupId, CancellationToken cancellationToken)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres)
        {
            return NoLock.Instance;
        }

        var key = KeyOf(groupId);
        // From the pool: a session lock is released before the connection goes back (and a pooled connection is reset
        // before its next use), so opening one per pass costs nothing a pool does not already pay.
        var connection = new NpgsqlConnection(database.Value.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@space, @key)", connection)
            {
                CommandTimeout = (int)LongestWait.TotalSeconds,
            };
            take.Parameters.AddWithValue("space", LockNamespace);
            take.Parameters.AddWithValue("key", key);
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection, key);
        }
        catch
        {
            // Cancelled (the node stopping) or timed out just as the lock was granted, the connection may hold it: it must
            // not go back to the pool that way.
            NpgsqlConnection.ClearPool(connection);
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

    private sealed class Held(NpgsqlConnection connection, int key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Not cancellable: a pass cancelled as the node stops must still let the other nodes have the group.
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, @key)", connection);
                release.Parameters.AddWithValue("space", LockNamespace);
                release.Parameters.AddWithValue("key", key);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch
            {
                // A connection that could not release the lock must not go back to the pool holding it: closed, the server
                // drops the lock with the session.
                NpgsqlConnection.ClearPool(connection);
                throw;
            }
            finally
            {
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
