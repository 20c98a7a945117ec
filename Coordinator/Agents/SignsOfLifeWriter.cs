using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// Writes the signs of life <see cref="SignsOfLife"/> keeps, every <see cref="SignsOfLife.WriteEvery"/>, all in one
/// transaction (one commit), each agent's last heartbeat moved forward to it and never back (a heartbeat may have stored a
/// later one meanwhile). What is left when the node stops is written then.
/// </summary>
public sealed partial class SignsOfLifeWriter(SignsOfLife signs, IDbContextFactory<ClawDbContext> contexts, ILogger<SignsOfLifeWriter> logger)
    : BackgroundService
{
    /// <summary>One write at a time, so that a write returns only once every sign reported before it is stored.</summary>
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>
    /// Writes the signs kept so far, after any write under way: when it returns, every sign reported before the call is
    /// stored (what a test that compares the database before and after a request relies on). Signs it could not write are
    /// kept again for the next time.
    /// </summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await WriteTakenAsync(cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    public override void Dispose()
    {
        _writing.Dispose();
        base.Dispose();
    }

    private async Task WriteTakenAsync(CancellationToken cancellationToken)
    {
        var taken = signs.Take();
        if (taken.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var agents = taken.Select(sign => new Agent { Id = sign.AgentId, LastHeartbeatAt = sign.At }).ToList();
            // On SQLite a statement takes 50 agents at most (RowsInOneStatement): a write's statements share one commit.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.MoveForwardAsync(agents, nameof(Agent.LastHeartbeatAt), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            foreach (var (agentId, at) in taken)
            {
                signs.Report(agentId, at);
            }

            throw;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SignsOfLife.WriteEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await WriteLoggingFailureAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteLoggingFailureAsync(cancellationToken);
    }

    private async Task WriteLoggingFailureAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the signs are kept, and the write at the stop takes them.
        }
#pragma warning disable CA1031 // A database blip must not end the writes for the node: the signs are kept for the next one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogWriteFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agents' signs of life could not be written; they are kept for the next write")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
