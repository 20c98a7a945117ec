using ClawGroups.Web.Live;

namespace ClawGroups.Web.Tests.Live;

public sealed class HubFollowersTests
{
    private static readonly Guid Group = Guid.NewGuid();

    [Fact]
    public void A_group_is_followed_once_a_connection_joins_it()
    {
        var followers = new HubFollowers();

        followers.Joined("a", Group);

        Assert.True(followers.Follows(Group));
        Assert.False(followers.Follows(Guid.NewGuid()));
    }

    [Fact]
    public void A_group_stays_followed_while_one_of_its_connections_remains()
    {
        var followers = new HubFollowers();
        followers.Joined("a", Group);
        followers.Joined("b", Group);

        followers.Left("a", Group);

        Assert.True(followers.Follows(Group));
    }

    [Fact]
    public void A_group_is_no_longer_followed_when_its_last_connection_leaves_or_goes()
    {
        var followers = new HubFollowers();
        followers.Joined("a", Group);
        followers.Joined("b", Group);
        followers.Joined("b", Group);

        followers.Left("a", Group);
        followers.Disconnected("b");

        Assert.False(followers.Follows(Group));
    }
}
