using ClawGroups.Coordinator.Agents;

namespace ClawGroups.Coordinator.Tests.Agents;

public sealed class SignsOfLifeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_agents_latest_sign_is_kept_whatever_order_the_reports_come_in()
    {
        var signs = new SignsOfLife();
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        signs.Report(first, Now);
        signs.Report(first, Now.AddSeconds(2));
        // A report that arrives late (a slow request) does not take the agent's sign back.
        signs.Report(first, Now.AddSeconds(1));
        signs.Report(second, Now.AddMilliseconds(300));

        Assert.Equal(
            [(second, Now.AddMilliseconds(300)), (first, Now.AddSeconds(2))],
            signs.Take().OrderBy(s => s.At).ToList());
    }

    [Fact]
    public void Signs_taken_are_no_longer_kept_and_later_reports_wait_for_the_next_take()
    {
        var signs = new SignsOfLife();
        var agent = Guid.NewGuid();
        signs.Report(agent, Now);

        Assert.Single(signs.Take());
        Assert.False(signs.AnyReported);
        Assert.Empty(signs.Take());

        signs.Report(agent, Now.AddSeconds(1));
        Assert.True(signs.AnyReported);
        Assert.Equal([(agent, Now.AddSeconds(1))], signs.Take());
    }
}
