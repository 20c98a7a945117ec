using System.Text;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;

namespace ClawGroups.Coordinator.Tests.Cluster;

public sealed class ClusterMessageTests
{
    private static readonly Guid Node = Guid.NewGuid();

    [Fact]
    public void A_message_survives_the_wire()
    {
        var change = LiveChange.Event(Guid.NewGuid(), 42);
        var agent = Guid.NewGuid();

        var message = Assert.Single(ClusterMessage.Pack(Node, [change], [agent]));
        var parsed = ClusterMessage.Parse(message.Serialize())!;

        Assert.Equal(Node, parsed.Node);
        Assert.Equal(change, Assert.Single(parsed.Changes).ToChange());
        Assert.Equal(agent, Assert.Single(parsed.AgentsWithNews));
    }

    [Fact]
    public void A_large_batch_is_split_into_payloads_postgres_accepts_and_nothing_is_lost()
    {
        var group = Guid.NewGuid();
        var changes = Enumerable.Range(0, 500).Select(_ => LiveChange.WorkItem(group, Guid.NewGuid())).ToList();
        var agents = Enumerable.Range(0, 400).Select(_ => Guid.NewGuid()).ToList();

        var messages = ClusterMessage.Pack(Node, changes, agents).ToList();

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(Encoding.UTF8.GetByteCount(m.Serialize()) < 8000, "NOTIFY payloads must stay under 8000 bytes"));
        Assert.Equal(changes, messages.SelectMany(m => m.Changes).Select(c => c.ToChange()));
        Assert.Equal(agents, messages.SelectMany(m => m.AgentsWithNews));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    public void A_payload_that_is_not_ours_is_ignored(string payload)
        => Assert.Null(ClusterMessage.Parse(payload));
}

public sealed class PostgresClusterListenerTests
{
    private readonly ClusterNode _node = new();
    private readonly AgentWaiters _waiters = new();

    [Fact]
    public void Another_nodes_news_wakes_the_long_polls_held_here()
    {
        var agent = Guid.NewGuid();
        var news = _waiters.NextNews(agent);

        Listener().Receive(ClusterMessage.Pack(Guid.NewGuid(), [], [agent]).Single().Serialize());

        Assert.True(news.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_nodes_own_news_is_not_news_to_it()
    {
        var agent = Guid.NewGuid();
        var news = _waiters.NextNews(agent);

        Listener().Receive(ClusterMessage.Pack(_node.Id, [], [agent]).Single().Serialize());

        Assert.False(news.IsCompleted);
    }

    private PostgresClusterListener Listener() => new(
        _node, new LiveChanges(new SingleNodeBus()), _waiters,
        Microsoft.Extensions.Options.Options.Create(new ClawGroups.Data.Database.ClawDatabaseOptions()),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresClusterListener>.Instance);
}
