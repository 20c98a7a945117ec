using System.Text;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

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

    [Fact]
    public void Changed_agent_keys_survive_the_wire()
    {
        var keys = new[] { Guid.NewGuid(), Guid.NewGuid() };

        var parsed = ClusterMessage.Parse(new ClusterMessage(Node, [], [], keys).Serialize())!;

        Assert.Equal(keys, parsed.AgentKeysChanged);
    }

    [Fact]
    public void A_message_from_a_node_that_knows_no_key_changes_parses_without_them()
    {
        var agent = Guid.NewGuid();

        var parsed = ClusterMessage.Parse($$"""{"n":"{{Node}}","c":[],"a":["{{agent}}"]}""")!;

        Assert.Equal(agent, Assert.Single(parsed.AgentsWithNews));
        Assert.Null(parsed.AgentKeysChanged);
        Assert.DoesNotContain("\"r\"", ClusterMessage.Pack(Node, [], [agent]).Single().Serialize(), StringComparison.Ordinal);
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

    [Fact]
    public void Another_nodes_changed_key_is_forgotten_here()
    {
        var keys = new AgentKeyCache(TimeProvider.System);
        var rotated = new AgentKeyHolder(Guid.NewGuid(), Guid.NewGuid(), "rotating", RevokedAt: null);
        var other = rotated with { Id = Guid.NewGuid() };
        keys.Keep("rotated", rotated, keys.Stamp);
        keys.Keep("other", other, keys.Stamp);

        Listener(keys).Receive(new ClusterMessage(Guid.NewGuid(), [], [], [rotated.Id]).Serialize());

        Assert.Null(keys.Find("rotated"));
        Assert.Equal(other, keys.Find("other"));
    }

    private PostgresClusterListener Listener(AgentKeyCache? keys = null) => new(
        _node, new LiveChanges(new SingleNodeBus()), _waiters, keys ?? new AgentKeyCache(TimeProvider.System),
        Options.Create(new ClawDatabaseOptions()), NullLogger<PostgresClusterListener>.Instance);
}

/// <summary>A changed key is told in the transaction that changes it: PostgreSQL delivers it on commit and drops it on rollback.</summary>
public sealed class AgentKeyChangedNotifyTests
{
    [Fact]
    public async Task A_changed_key_reaches_the_listening_nodes_when_its_transaction_commits_and_never_when_it_rolls_back()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var bus = new PostgresClusterBus(new ClusterNode(), Options.Create(new ClawDatabaseOptions { ConnectionString = database.ConnectionString }),
            NullLogger<PostgresClusterBus>.Instance);
        var heard = new List<ClusterMessage>();
        await using var listener = new NpgsqlConnection(database.ConnectionString);
        listener.Notification += (_, notification) => heard.Add(ClusterMessage.Parse(notification.Payload)!);
        await listener.OpenAsync();
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresClusterBus.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var (rolledBack, committed) = (Guid.NewGuid(), Guid.NewGuid());
        await using var context = database.NewContext();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await bus.AgentKeyChangedAsync(context, rolledBack, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await bus.AgentKeyChangedAsync(context, committed, CancellationToken.None);
            // Not before the commit: a node must not forget a key whose change may yet fail.
            await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
            Assert.Empty(heard);
            await transaction.CommitAsync();
        }

        await listener.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([committed], Assert.Single(heard).AgentKeysChanged);
    }

    [Fact]
    public async Task A_node_that_starts_listening_forgets_every_key_it_believed_as_it_may_have_missed_a_change()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var keys = new AgentKeyCache(TimeProvider.System);
        keys.Keep("believed while not listening", new AgentKeyHolder(Guid.NewGuid(), Guid.NewGuid(), "away", RevokedAt: null), keys.Stamp);
        using var listener = new PostgresClusterListener(new ClusterNode(), new LiveChanges(new SingleNodeBus()), new AgentWaiters(), keys,
            Options.Create(new ClawDatabaseOptions { ConnectionString = database.ConnectionString }), NullLogger<PostgresClusterListener>.Instance);

        await listener.StartAsync(CancellationToken.None);
        try
        {
            // Well inside the key's lifetime (30 s): only the listener's start can have forgotten it.
            await Testing.Waiting.Eventually.ReachAsync(() => Task.FromResult(keys.Find("believed while not listening")), found => found is null,
                "the key forgotten once the node listens", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }
}
