using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Tests.Cluster;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Jobs;

/// <summary>Two nodes on one PostgreSQL database with work for one group take turns at its pass.</summary>
public sealed class GroupPassesTests
{
    [Fact]
    public async Task A_node_that_folded_a_request_into_its_next_turn_waits_behind_the_other_node_s_turn()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var scopes = new ServiceCollection().BuildServiceProvider();
        var (one, other) = (Node(database, scopes), Node(database, scopes));
        var group = Guid.NewGuid();
        var turns = new List<string>();
        var firstTurnRuns = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var ones = one.TurnAsync(group, async () =>
        {
            lock (turns)
            {
                turns.Add("one");
            }

            firstTurnRuns.TrySetResult();
            await release.Task;
        }, CancellationToken.None);
        await firstTurnRuns.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var others = other.TurnAsync(group, () =>
        {
            lock (turns)
            {
                turns.Add("other");
            }

            return Task.CompletedTask;
        }, CancellationToken.None);
        await GroupPassLockTests.WaitersAsync(database, 1);
        // Asked for again on the first node while its turn runs: folded into one more turn of it, after this one.
        Assert.True(await one.TurnAsync(group, () => throw new InvalidOperationException("a folded request runs no turn of its own"), CancellationToken.None));

        release.SetResult();
        Assert.True(await ones.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await others.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(["one", "other", "one"], turns);
    }

    private static GroupPasses Node(TestDatabase database, IServiceProvider scopes)
        => new(scopes.GetRequiredService<IServiceScopeFactory>(), new GroupPassTurns(), GroupPassLockTests.Node(database),
            new Bulkheads(TimeProvider.System, NullLogger<Bulkheads>.Instance));
}
