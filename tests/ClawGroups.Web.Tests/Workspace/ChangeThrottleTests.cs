using ClawGroups.Testing.Time;
using ClawGroups.Web.Components.Workspace;

namespace ClawGroups.Web.Tests.Workspace;

public sealed class ChangeThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void A_change_after_a_quiet_spell_goes_out_at_once()
    {
        var time = new ManualTime();
        var throttle = new ChangeThrottle(Interval, time);

        Assert.Equal(TimeSpan.Zero, throttle.Schedule());
        throttle.Ran();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, throttle.Schedule());
    }

    [Fact]
    public void Changes_while_a_run_is_scheduled_ride_on_it()
    {
        var throttle = new ChangeThrottle(Interval, new ManualTime());

        Assert.NotNull(throttle.Schedule());

        Assert.Null(throttle.Schedule());
        Assert.Null(throttle.Schedule());
    }

    [Fact]
    public void A_change_soon_after_a_run_waits_for_the_rest_of_the_interval()
    {
        var time = new ManualTime();
        var throttle = new ChangeThrottle(Interval, time);
        throttle.Schedule();
        throttle.Ran();

        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(TimeSpan.FromMilliseconds(150), throttle.Schedule());
    }

    [Fact]
    public async Task Changes_soon_after_a_run_cost_one_more_run_together()
    {
        // The interval is a real second here: the clock stands still, so the two changes below both fall within it.
        var throttle = new ChangeThrottle(TimeSpan.FromSeconds(1), new ManualTime());
        var runs = 0;
        Task Run()
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }

        await throttle.PaceAsync(Run);
        Assert.Equal(1, runs);

        var waiting = throttle.PaceAsync(Run);
        var riding = throttle.PaceAsync(Run);

        Assert.True(riding.IsCompleted);
        Assert.Equal(1, runs);
        await waiting;
        Assert.Equal(2, runs);
    }
}
