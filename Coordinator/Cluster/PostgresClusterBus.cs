using System.Threading.Channels;
using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// Sends this node's news to the other nodes with PostgreSQL's NOTIFY, batched every few milliseconds. The
/// database every node already shares is the backplane: no Redis to run, and the web nodes' Blazor circuits
/// get other nodes' changes the same way SignalR clients do.
/// </summary>
public sealed partial class PostgresClusterBus(ClusterNode node, IOptions<ClawDatabaseOptions> database, ILogger<PostgresClusterBus> logger)
    : BackgroundService, IClusterBus
{
    public const string Channel = "claw_cluster";

    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);

    private readonly Channel<object> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    public void Publish(LiveChange change) => _outgoing.Writer.TryWrite(change);

    public void AgentHasNews(Guid agentId) => _outgoing.Writer.TryWrite(agentId);

    /// <summary>A NOTIFY in the context's transaction: PostgreSQL delivers it to the listening nodes when, and only if, that commits.</summary>
    public async Task AgentKeyChangedAsync(ClawDbContext context, Guid agentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var payload = new ClusterMessage(node.Id, [], [], [agentId]).Serialize();
        await context.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _outgoing.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            await Task.Delay(BatchWindow, stoppingToken);
            var changes = new HashSet<LiveChange>();
            var agents = new HashSet<Guid>();
            while (reader.TryRead(out var item))
            {
                switch (item)
                {
                    case LiveChange change:
                        changes.Add(change);
                        break;
                    case Guid agentId:
                        agents.Add(agentId);
                        break;
                }
            }

            try
            {
                await SendAsync(ClusterMessage.Pack(node.Id, changes, agents), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException exception)
            {
                // Other nodes miss these hints; their clients catch up with the next change or on reconnect.
                LogSendFailed(logger, exception, changes.Count, agents.Count);
            }
        }
    }

    private async Task SendAsync(IEnumerable<ClusterMessage> messages, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var message in messages)
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", message.Serialize());
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell other nodes of {ChangeCount} changes and {AgentCount} agents' news")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, int changeCount, int agentCount);
}
