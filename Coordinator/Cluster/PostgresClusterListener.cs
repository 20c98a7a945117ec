using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Data.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// Listens for the other nodes' news on one dedicated connection: their committed changes go to this node's
/// live clients, their agents' news wakes the long polls this node holds, their agents' changed keys are forgotten here.
/// Reconnects after a failure.
/// </summary>
public sealed partial class PostgresClusterListener(
    ClusterNode node, LiveChanges liveChanges, AgentWaiters waiters, AgentKeyCache agentKeys, IOptions<ClawDatabaseOptions> database,
    ILogger<PostgresClusterListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private TimeSpan _backoff = MinBackoff;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException exception)
            {
                LogListenFailed(logger, exception, _backoff);
                await Task.Delay(_backoff, stoppingToken);
                _backoff = _backoff * 2 > MaxBackoff ? MaxBackoff : _backoff * 2;
            }
        }
    }

    /// <summary>Applies one notification; exposed for tests of the message handling.</summary>
    public void Receive(string payload)
    {
        if (ClusterMessage.Parse(payload) is not { } message || message.Node == node.Id)
        {
            return;
        }

        foreach (var change in message.Changes)
        {
            liveChanges.AddFromOtherNode(change.ToChange());
        }

        foreach (var agentId in message.AgentsWithNews)
        {
            waiters.Notify(agentId);
        }

        foreach (var agentId in message.AgentKeysChanged ?? [])
        {
            agentKeys.Forget(agentId);
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.Value.ConnectionString)
        {
            // A dead connection is noticed within seconds rather than at the next notification that never comes.
            KeepAlive = 10,
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Notification += (_, notification) => Receive(notification.Payload);
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresClusterBus.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Keys another node changed while this one was not listening were never heard of here: read every key again.
        agentKeys.ForgetAll();
        LogListening(logger, node.Id);
        _backoff = MinBackoff;
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} listens for other nodes' changes")]
    private static partial void LogListening(ILogger logger, Guid nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other nodes failed; trying again in {Backoff}")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, TimeSpan backoff);
}
