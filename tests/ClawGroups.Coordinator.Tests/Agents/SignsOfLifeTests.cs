using ClawGroups.Coordinator.Agents;

namespace ClawGroups.Coordinator.Tests.Agents;

public sealed class SignsOfLifeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_agent_whose_sign_of_life_this_node_never_wrote_is_worth_writing()
        => Assert.True(new SignsOfLife().WorthWriting(Guid.NewGuid(), Now));

    [Fact]
    public void Within_the_resolution_of_the_last_write_it_is_not_worth_writing_again_and_from_then_on_it_is()
    {
        var signs = new SignsOfLife();
        var agent = Guid.NewGuid();
        signs.Written(agent, Now);

        Assert.False(signs.WorthWriting(agent, Now));
        Assert.False(signs.WorthWriting(agent, Now + SignsOfLife.Resolution - TimeSpan.FromTicks(1)));
        Assert.True(signs.WorthWriting(agent, Now + SignsOfLife.Resolution));
        // Each agent its own: another agent's write says nothing of this one.
        Assert.True(signs.WorthWriting(Guid.NewGuid(), Now));
    }

    [Fact]
    public void A_clock_that_went_back_writes_rather_than_wait_for_it()
    {
        var signs = new SignsOfLife();
        var agent = Guid.NewGuid();
        signs.Written(agent, Now);

        Assert.True(signs.WorthWriting(agent, Now - TimeSpan.FromMilliseconds(1)));
    }
}
