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
/// <remarks>How the turn is held, and why no lock outlives it: <see cref="AdvisoryTurn"/>.</remarks>
public sealed partial class GroupPassLock(IOptions<ClawDatabaseOptions> database, ILogger<GroupPassLock> logger)
{
    /// <summary>The first half of every key: keeps these locks apart from <see cref="ProcessLiveness"/>'s and anyone else's.</summary>
    private const int LockNamespace = 0x50617373;

    /// <summary>
    /// How long a pass waits for another node's pass of its group: many passes' worth. A pass that waited this long fails
    /// (the bulkhead records it) and the sweep asks again, rather than holding a job worker while the other node is stuck.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

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

        return await AdvisoryTurn.TakeAsync(
            _connectionString.Value, LockNamespace, KeyOf(groupId), LongestWait, exception => LogReleaseFailed(logger, exception, groupId), cancellationToken);
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

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
