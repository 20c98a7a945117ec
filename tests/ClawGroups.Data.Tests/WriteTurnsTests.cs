using ClawGroups.Data.Database;

namespace ClawGroups.Data.Tests;

public sealed class WriteTurnsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Writers_ahead_take_the_next_turns_before_the_ordinary_line_and_each_line_keeps_its_order()
    {
        var turns = new WriteTurns();
        Assert.True(turns.TryEnter());
        var order = new List<string>();
        var waiting = new List<Task>();
        foreach (var (name, ahead) in new[] { ("ordinary 1", false), ("ordinary 2", false), ("ahead 1", true), ("ordinary 3", false), ("ahead 2", true) })
        {
            waiting.Add(TakeTurnAsync(turns, name, ahead, order));
        }

        Assert.Empty(order);
        turns.Release();
        await Task.WhenAll(waiting).WaitAsync(Long);

        Assert.Equal(["ahead 1", "ahead 2", "ordinary 1", "ordinary 2", "ordinary 3"], order);
        Assert.True(turns.TryEnter()); // the last one let the turn go
    }

    [Fact]
    public async Task A_writer_that_gave_up_is_passed_over_and_the_turn_goes_to_the_next()
    {
        var turns = new WriteTurns();
        Assert.True(turns.TryEnter());
        Assert.False(await turns.WaitAsync(ahead: false, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var next = turns.WaitAsync(ahead: false, Long, CancellationToken.None);

        Assert.True(turns.Release()); // handed over, passing the one that gave up

        Assert.True(await next.WaitAsync(Long));
        Assert.False(turns.TryEnter()); // the next writer has it
    }

    [Fact]
    public async Task Release_says_whether_it_handed_the_turn_to_a_writer_or_left_it_free()
    {
        var turns = new WriteTurns();
        Assert.True(turns.TryEnter());
        Assert.False(turns.Release());

        Assert.True(turns.TryEnter());
        Assert.False(await turns.WaitAsync(ahead: false, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.False(turns.Release()); // the only writer waiting had given up
        Assert.True(turns.TryEnter());
    }

    [Fact]
    public async Task A_cancelled_writer_throws_and_takes_no_turn()
    {
        var turns = new WriteTurns();
        Assert.True(turns.TryEnter());
        using var cancel = new CancellationTokenSource();
        var cancelled = turns.WaitAsync(ahead: true, Long, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        turns.Release();
        Assert.True(turns.TryEnter());
    }

    [Fact]
    public void A_blocking_writer_gives_up_at_its_timeout_and_the_turn_stays_with_its_holder()
    {
        var turns = new WriteTurns();
        Assert.True(turns.TryEnter());

        Assert.False(turns.Wait(ahead: false, TimeSpan.FromMilliseconds(50)));

        turns.Release();
        Assert.True(turns.Wait(ahead: false, TimeSpan.Zero));
    }

    [Fact]
    public async Task Many_writers_in_both_lines_each_get_exactly_one_turn_and_never_two_at_once()
    {
        var turns = new WriteTurns();
        var inside = 0;
        var most = 0;
        var writers = Enumerable.Range(0, 200).Select(async i =>
        {
            await Task.Yield();
            Assert.True(await turns.WaitAsync(ahead: i % 5 == 0, Long, CancellationToken.None));
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            turns.Release();
        });

        await Task.WhenAll(writers).WaitAsync(Long);

        Assert.Equal(1, most);
        Assert.True(turns.TryEnter());
    }

    [Fact]
    public async Task Statistics_count_the_turns_the_writers_that_waited_and_the_time_held()
    {
        var turns = new WriteTurns();
        var start = turns.Statistics;
        Assert.True(turns.TryEnter());
        var waiting = turns.WaitAsync(ahead: false, Long, CancellationToken.None);
        var abandoned = turns.WaitAsync(ahead: false, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        Assert.False(await abandoned);
        await Task.Delay(50);
        var whileWaiting = turns.Statistics;

        turns.Release();
        Assert.True(await waiting);
        turns.Release();
        var end = turns.Statistics.Since(start);

        Assert.Equal(2, whileWaiting.MostWaiting);
        Assert.Equal(2, end.Turns); // the writer that gave up took none
        Assert.Equal(1, end.Waits);
        Assert.InRange(end.Waited, TimeSpan.FromMilliseconds(40), Long);
        Assert.InRange(end.Held, end.Waited, Long); // the first turn was held all the while the second writer waited
        Assert.InRange(end.HandedOver, TimeSpan.Zero, end.Held); // handed over is part of held
    }

    private static async Task TakeTurnAsync(WriteTurns turns, string name, bool ahead, List<string> order)
    {
        Assert.True(await turns.WaitAsync(ahead, Long, CancellationToken.None));
        lock (order)
        {
            order.Add(name);
        }

        turns.Release();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var was && was != seen)
        {
            seen = was;
        }
    }
}
