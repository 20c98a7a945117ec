using ClawGroups.Coordinator.Cluster;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Waiting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClawGroups.Coordinator.Tests.Cluster;

/// <summary>
/// Two nodes on one PostgreSQL database take turns at a group's pass, in the order they asked; a node that stops waiting
/// or dies leaves the group free. Each <see cref="GroupPassLock"/> here is one node.
/// </summary>
/// <remarks>Each test has a database of its own, and advisory locks are the database's: the counts below are the test's.</remarks>
public sealed class GroupPassLockTests
{
    private static readonly TimeSpan WhileWaiting = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_pass_on_another_node_waits_for_the_group_until_the_first_lets_go()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (one, other) = (Node(database), Node(database));
        var group = Guid.NewGuid();

        var first = await one.TakeAsync(group, CancellationToken.None);
        var second = other.TakeAsync(group, CancellationToken.None);
        await WaitersAsync(database, 1);
        await Task.Delay(WhileWaiting);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await (await second.WaitAsync(TimeSpan.FromSeconds(30))).DisposeAsync();
        Assert.Equal(0, await HeldAsync(database));
    }

    [Fact]
    public async Task Another_groups_pass_does_not_wait()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (one, other) = (Node(database), Node(database));

        await using var first = await one.TakeAsync(Guid.NewGuid(), CancellationToken.None);
        await using var second = await other.TakeAsync(Guid.NewGuid(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, await HeldAsync(database));
    }

    [Fact]
    public async Task The_node_that_asked_first_goes_next_even_when_the_holder_asks_again()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (one, other) = (Node(database), Node(database));
        var group = Guid.NewGuid();
        var first = await one.TakeAsync(group, CancellationToken.None);
        var othersTurn = other.TakeAsync(group, CancellationToken.None);
        await WaitersAsync(database, 1);
        // The holder's node folded another request into a next turn of its own.
        var onesNextTurn = one.TakeAsync(group, CancellationToken.None);
        await WaitersAsync(database, 2);

        await first.DisposeAsync();
        var second = await othersTurn.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(WhileWaiting);
        Assert.False(onesNextTurn.IsCompleted);

        await second.DisposeAsync();
        await (await onesNextTurn.WaitAsync(TimeSpan.FromSeconds(30))).DisposeAsync();
    }

    [Fact]
    public async Task A_node_that_stops_waiting_leaves_nothing_held()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (one, other) = (Node(database), Node(database));
        var group = Guid.NewGuid();
        var first = await one.TakeAsync(group, CancellationToken.None);
        using var stopping = new CancellationTokenSource();
        var waiting = other.TakeAsync(group, stopping.Token);
        await WaitersAsync(database, 1);

        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        await WaitersAsync(database, 0);
        await first.DisposeAsync();

        Assert.Equal(0, await HeldAsync(database));
        await (await Node(database).TakeAsync(group, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).DisposeAsync();
    }

    [Fact]
    public async Task A_node_that_dies_holding_the_group_frees_it_for_the_next()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var group = Guid.NewGuid();
        var held = await Node(database).TakeAsync(group, CancellationToken.None);
        var waiting = Node(database).TakeAsync(group, CancellationToken.None);
        await WaitersAsync(database, 1);

        // The holder's session ends as a killed process's would: the server drops its locks.
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = " +
                "(SELECT oid FROM pg_database WHERE datname = current_database())", admin);
            await kill.ExecuteNonQueryAsync();
        }

        await (await waiting.WaitAsync(TimeSpan.FromSeconds(30))).DisposeAsync();
        // Ending the dead turn finds its session gone: logged, not thrown over whatever its pass threw.
        await held.DisposeAsync();
        Assert.Equal(0, await HeldAsync(database));
    }

    [Fact]
    public async Task On_the_embedded_database_there_is_one_node_and_nothing_to_wait_for()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var group = Guid.NewGuid();

        await using var first = await Node(database).TakeAsync(group, CancellationToken.None);
        var second = Node(database).TakeAsync(group, CancellationToken.None);

        Assert.True(second.IsCompletedSuccessfully);
    }

    internal static GroupPassLock Node(TestDatabase database)
        => new(Options.Create(new ClawDatabaseOptions { Provider = database.Provider, ConnectionString = database.ConnectionString }),
            NullLogger<GroupPassLock>.Instance);

    /// <summary>Waits until this many sessions wait for an advisory lock in the test's database.</summary>
    internal static Task<long> WaitersAsync(TestDatabase database, long count)
        => Eventually.ReachAsync(() => AdvisoryLocksAsync(database, granted: false), waiting => waiting == count, $"{count} waiting for a group's pass");

    private static Task<long> HeldAsync(TestDatabase database) => AdvisoryLocksAsync(database, granted: true);

    private static async Task<long> AdvisoryLocksAsync(TestDatabase database, bool granted)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = @granted AND database = " +
            "(SELECT oid FROM pg_database WHERE datname = current_database())", connection);
        count.Parameters.AddWithValue("granted", granted);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
