using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// Delivers one outbox message to its webhook agent: claims it (so two workers never send it at once), signs
/// and posts it, records the attempt, and on failure schedules the next try or gives up and marks the agent
/// unreachable. At least once: an agent that received a delivery whose answer was lost gets it again with the
/// same id, and dedupes on it.
/// </summary>
/// <remarks>
/// Many deliveries to one agent run at once on the job workers, so none of them writes the agent through the change
/// tracker: the agent row carries a concurrency token that heartbeats, passes and the other deliveries contend on, and a
/// delivery that lost that race used to lose its attempt, its count and its retry (the message then waited for its claim
/// to lapse and for the sweep). The failure count is a set-based increment in the attempt's own transaction, read back
/// there, so it is exact; the moves between reachable and unreachable are conditional set-based updates that bump the
/// version, so exactly one delivery makes each, and a pass that read the agent before conflicts as it should.
/// </remarks>
public sealed partial class WebhookDelivery(
    ClawDbContext context,
    IHttpClientFactory httpClients,
    WebhookSecrets secrets,
    WorkItemLifecycle lifecycle,
    LiveChanges liveChanges,
    UnreachableAgents unreachable,
    A2aDispatch a2a,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDelivery> logger)
{
    public const string HttpClientName = "ClawGroups.Webhooks";

    /// <summary>
    /// How early a job may come for a retry and still hand its due time back. Hangfire runs a scheduled job from the
    /// whole second of its time, and another node's clock may run a little ahead of the one that set the due time.
    /// </summary>
    private static readonly TimeSpan EarlyRunTolerance = TimeSpan.FromSeconds(2);

    /// <summary>Returns when the next attempt is due, or null when there is nothing more to do.</summary>
    public async Task<DateTimeOffset?> DeliverAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var claimUntil = now.AddSeconds(settings.TimeoutSeconds + 30);
        var claimed = await context.OutboxMessages
            .Where(m => m.Id == messageId && m.DeliveredAt == null && m.GaveUpAt == null && m.DueAt != null && m.DueAt <= now
                        && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.LockedUntil, claimUntil), cancellationToken);
        if (claimed == 0)
        {
            return await DueAnyMomentAsync(messageId, now, cancellationToken);
        }

        // Read, not tracked: nothing below saves the agent through the change tracker (see the remarks).
        var message = await context.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == messageId, cancellationToken);
        var agent = await context.Agents.AsNoTracking().SingleAsync(a => a.Id == message.AgentId, cancellationToken);
        var byA2a = agent.Delivery == DeliveryMode.A2a && agent.A2aEndpointUrl is not null;
        if (agent.Status == AgentStatus.Revoked
            || (!byA2a && (agent.Delivery != DeliveryMode.Webhook || agent.WebhookUrl is null || agent.WebhookSecretProtected is null)))
        {
            await context.OutboxMessages.Where(m => m.Id == messageId).ExecuteUpdateAsync(set => set
                .SetProperty(m => m.GaveUpAt, now).SetProperty(m => m.DueAt, (DateTimeOffset?)null).SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, "The agent no longer takes webhooks."), cancellationToken);
            return null;
        }

        // An A2A agent gets the A2A call the message stands for; its retries, counts and unreachability are the webhook's.
        var (status, error, elapsed) = byA2a
            ? await a2a.DeliverAsync(message, agent, cancellationToken)
            : await PostAsync(message, agent, settings, cancellationToken);
        var at = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var givesUp = error is not null && attempts >= settings.MaxAttempts;
        // Drawn once, before the attempt is recorded, so that a record that has to be written again keeps its due time.
        DateTimeOffset? due = error is null || givesUp
            ? null
            : at + DeliveryBackoff.Delay(attempts, settings.RetryBaseDelaySeconds, settings.RetryMaxDelaySeconds, Random.Shared);
        var attempt = new AttemptRecord(message.Id, attempts, at, status, error, elapsed, due, givesUp);
        var (failures, cameBack) = await RecordAsync(attempt, agent, cancellationToken);
        if (cameBack)
        {
            liveChanges.Add(LiveChange.Agent(agent.GroupId, agent.Id));
            await lifecycle.SaveAsync(cancellationToken);
        }

        if (error is null)
        {
            return null;
        }

        if (givesUp)
        {
            LogGaveUp(logger, message.Id, agent.Id, attempts, error);
        }

        if (failures >= settings.UnreachableAfterFailures)
        {
            await unreachable.MarkAsync(agent, error, settings.UnreachableAfterFailures, cancellationToken);
        }

        return due;
    }

    /// <summary>
    /// A job that found nothing to claim: when the message is still waiting for a retry due in a moment, the job came early
    /// (see <see cref="EarlyRunTolerance"/>) and hands the due time back to be scheduled again, rather than leaving the retry
    /// to the sweep. Otherwise another job has the message (it is claimed, delivered, given up, or due later) and this one
    /// has nothing to do.
    /// </summary>
    private async Task<DateTimeOffset?> DueAnyMomentAsync(Guid messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var soon = now + EarlyRunTolerance;
        return await context.OutboxMessages
            .Where(m => m.Id == messageId && m.DeliveredAt == null && m.GaveUpAt == null && m.DueAt > now && m.DueAt <= soon
                        && (m.LockedUntil == null || m.LockedUntil < now))
            .Select(m => m.DueAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Records the attempt, the message's next due time and the agent's failure count in one transaction, and returns the
    /// count as it now is (0 after a success) and whether this success made the agent reachable again. Nothing in it can
    /// conflict with another writer, so a failure here is the database's own (a dropped connection, a failover): the
    /// whole record is written again on a fresh transaction, and only if that keeps failing is the attempt logged and the
    /// message left to its claim's end and the sweep.
    /// </summary>
    private async Task<(int Failures, bool CameBack)> RecordAsync(AttemptRecord attempt, Agent agent, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            context.ChangeTracker.Clear();
            lifecycle.Reset();
            try
            {
                return await TryRecordAsync(attempt, agent, cancellationToken);
            }
            catch (Exception exception) when (exception is DbException or DbUpdateException && tries < ConcurrentChange.Attempts)
            {
                LogRecordRetried(logger, exception, attempt.MessageId, agent.Id, tries);
            }
            catch (Exception exception) when (exception is DbException or DbUpdateException)
            {
                LogAttemptNotRecorded(logger, exception, attempt.MessageId, agent.Id, attempt.Attempts, attempt.StatusCode, attempt.Error ?? "delivered");
                throw;
            }
        }
    }

    private async Task<(int Failures, bool CameBack)> TryRecordAsync(AttemptRecord attempt, Agent agent, CancellationToken cancellationToken)
    {
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        // The agent's row first, as in UnreachableAgents: transactions that lock the agent and its messages always lock
        // in that order, so they wait for each other and never deadlock.
        var agentRow = context.Agents.Where(a => a.Id == agent.Id);
        int failures;
        var cameBack = false;
        if (attempt.Error is null)
        {
            // The count is only ever written set-based and nothing decides on it but the deliveries, so it does not bump the
            // version: a failure count must not make a heartbeat, a pass or another delivery conflict.
            await agentRow.Where(a => a.ConsecutiveDeliveryFailures != 0)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.ConsecutiveDeliveryFailures, 0), cancellationToken);
            // A status others decide on: bump the version so that a writer that read "unreachable" conflicts. An unreachable
            // move still to commit holds the row with a count over the threshold, so the reset above waited for it, and this
            // statement (on PostgreSQL a fresh snapshot) sees "unreachable" and undoes it.
            cameBack = await agentRow.Where(a => a.Status == AgentStatus.Unreachable)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AgentStatus.Online).SetProperty(a => a.Version, a => a.Version + 1), cancellationToken) > 0;
            failures = 0;
        }
        else
        {
            await agentRow.ExecuteUpdateAsync(set => set.SetProperty(a => a.ConsecutiveDeliveryFailures, a => a.ConsecutiveDeliveryFailures + 1), cancellationToken);
            // This transaction holds the row now, so what it reads is the count its own increment made.
            failures = await agentRow.Select(a => a.ConsecutiveDeliveryFailures).SingleAsync(cancellationToken);
        }

        await context.OutboxMessages.Where(m => m.Id == attempt.MessageId).ExecuteUpdateAsync(set =>
        {
            set.SetProperty(m => m.Attempts, attempt.Attempts)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, attempt.Error);
            if (attempt.DueAt is { } due)
            {
                // An offer voided while it was being sent (its agent became unreachable) stays without a due time.
                set.SetProperty(m => m.DueAt, m => m.GaveUpAt == null ? due : null);
            }
            else
            {
                set.SetProperty(m => m.DueAt, (DateTimeOffset?)null);
            }

            if (attempt.Error is null)
            {
                set.SetProperty(m => m.DeliveredAt, attempt.At);
            }

            if (attempt.GivesUp)
            {
                set.SetProperty(m => m.GaveUpAt, attempt.At);
            }
        }, cancellationToken);
        context.DeliveryAttempts.Add(new DeliveryAttempt
        {
            OutboxMessageId = attempt.MessageId, At = attempt.At, StatusCode = attempt.StatusCode, Error = attempt.Error, DurationMs = attempt.DurationMs,
        });
        if (cameBack)
        {
            context.AddTrailEvent(agent.GroupId, Caller.Coordinator, TrailEventTypes.AgentReachable, attempt.At, new { agent.Name }, agentId: agent.Id);
            lifecycle.AssignmentNeeded(agent.GroupId);
        }

        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (failures, cameBack);
    }

    private async Task<(int? Status, string? Error, int ElapsedMs)> PostAsync(
        OutboxMessage message, Agent agent, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, agent.WebhookUrl)
        {
            Content = new StringContent(message.BodyJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Claw-Event", message.Type);
        request.Headers.Add("X-Claw-Delivery", message.Id.ToString());
        request.Headers.Add("X-Claw-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Claw-Signature", WebhookSignature.Compute(secrets.Unprotect(agent.WebhookSecretProtected!), timestamp, message.BodyJson));
        var client = httpClients.CreateClient(HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return (status, response.IsSuccessStatusCode ? null : $"The agent answered {status} {response.ReasonPhrase}.", (int)stopwatch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {settings.TimeoutSeconds} s.", (int)stopwatch.ElapsedMilliseconds);
        }
        catch (HttpRequestException exception)
        {
            return (null, exception.Message, (int)stopwatch.ElapsedMilliseconds);
        }
    }

    /// <summary>What one attempt leaves behind, decided before it is recorded.</summary>
    private sealed record AttemptRecord(
        Guid MessageId, int Attempts, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs, DateTimeOffset? DueAt, bool GivesUp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering {MessageId} to agent {AgentId} after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid messageId, Guid agentId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording attempt of {MessageId} to agent {AgentId} failed (try {Try}); writing it again")]
    private static partial void LogRecordRetried(ILogger logger, Exception exception, Guid messageId, Guid agentId, int @try);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attempt {Attempt} of {MessageId} to agent {AgentId} could not be recorded (status {StatusCode}: {Outcome}); the message is tried again when its claim ends")]
    private static partial void LogAttemptNotRecorded(ILogger logger, Exception exception, Guid messageId, Guid agentId, int attempt, int? statusCode, string outcome);
}
