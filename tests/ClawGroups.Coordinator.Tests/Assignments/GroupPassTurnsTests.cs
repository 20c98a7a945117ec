using ClawGroups.Coordinator.Assignments;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class GroupPassTurnsTests
{
    private readonly GroupPassTurns _turns = new();

    [Fact]
    public async Task Passes_asked_for_while_one_runs_fold_into_one_more_run_of_it()
    {
        var group = Guid.NewGuid();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        var first = _turns.RunAsync(group, async () =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                await release.Task;
            }
        });

        // Asked for three times while the first runs: each returns at once, running nothing itself.
        await _turns.RunAsync(group, () => throw new InvalidOperationException("a folded request must not run its own pass"));
        await _turns.RunAsync(group, () => throw new InvalidOperationException("a folded request must not run its own pass"));
        await _turns.RunAsync(group, () => throw new InvalidOperationException("a folded request must not run its own pass"));
        Assert.Equal(1, runs);
        release.SetResult();
        await first;

        Assert.Equal(2, runs);
        Assert.False(_turns.IsRunning(group));
    }

    [Fact]
    public async Task A_pass_with_no_request_meanwhile_runs_once()
    {
        var runs = 0;
        await _turns.RunAsync(Guid.NewGuid(), () =>
        {
            runs++;
            return Task.CompletedTask;
        });

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Different_groups_run_side_by_side()
    {
        var (one, other) = (Guid.NewGuid(), Guid.NewGuid());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _turns.RunAsync(one, () => release.Task);
        var otherRan = false;

        await _turns.RunAsync(other, () =>
        {
            otherRan = true;
            return Task.CompletedTask;
        });

        Assert.True(otherRan);
        Assert.True(_turns.IsRunning(one));
        release.SetResult();
        await first;
    }

    [Fact]
    public async Task A_failed_pass_frees_the_group_for_the_next_request()
    {
        var group = Guid.NewGuid();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _turns.RunAsync(group, () => throw new InvalidOperationException("pass failed")));

        var ran = false;
        await _turns.RunAsync(group, () =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
    }
}
