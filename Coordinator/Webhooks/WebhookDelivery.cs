using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Webhooks;
using ClawGroups.Data.WorkItems;
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
public sealed partial class WebhookDelivery(
    ClawDbContext context,
    IHttpClientFactory httpClients,
    WebhookSecrets secrets,
    WorkItemLifecycle lifecycle,
    IWorkSignals signals,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDelivery> logger)
{
    public const string HttpClientName = "ClawGroups.Webhooks";

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
            return null;
        }

        var message = await context.OutboxMessages.SingleAsync(m => m.Id == messageId, cancellationToken);
        var agent = await context.Agents.SingleAsync(a => a.Id == message.AgentId, cancellationToken);
        if (agent.Status == AgentStatus.Revoked || agent.Delivery != DeliveryMode.Webhook || agent.WebhookUrl is null || agent.WebhookSecretProtected is null)
        {
            (message.GaveUpAt, message.DueAt, message.LockedUntil, message.LastError) = (now, null, null, "The agent no longer takes webhooks.");
            await context.SaveChangesAsync(cancellationToken);
            return null;
        }

        var (status, error, elapsed) = await PostAsync(message, agent, settings, cancellationToken);
        now = time.GetUtcNow();
        message.Attempts++;
        message.LockedUntil = null;
        message.DeliveryAttempts.Add(new DeliveryAttempt { At = now, StatusCode = status, Error = error, DurationMs = elapsed });
        if (error is null)
        {
            (message.DeliveredAt, message.DueAt, message.LastError) = (now, null, null);
            await MarkReachableAsync(agent, now);
            await lifecycle.SaveAsync(cancellationToken);
            return null;
        }

        message.LastError = error;
        agent.ConsecutiveDeliveryFailures++;
        if (message.Attempts >= settings.MaxAttempts)
        {
            (message.GaveUpAt, message.DueAt) = (now, null);
            LogGaveUp(logger, message.Id, agent.Id, message.Attempts, error);
        }
        else
        {
            message.DueAt = now + DeliveryBackoff.Delay(message.Attempts, settings.RetryBaseDelaySeconds, settings.RetryMaxDelaySeconds, Random.Shared);
        }

        if (agent.ConsecutiveDeliveryFailures >= settings.UnreachableAfterFailures && agent.Status != AgentStatus.Unreachable)
        {
            await MarkUnreachableAsync(agent, error, cancellationToken);
        }

        await lifecycle.SaveAsync(cancellationToken);
        return message.DueAt;
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

    private Task MarkReachableAsync(Agent agent, DateTimeOffset now)
    {
        agent.ConsecutiveDeliveryFailures = 0;
        if (agent.Status == AgentStatus.Unreachable)
        {
            agent.Status = AgentStatus.Online;
            context.AddTrailEvent(agent.GroupId, Caller.Coordinator, "agent.reachable", now, new { agent.Name }, agentId: agent.Id);
            lifecycle.AssignmentNeeded(agent.GroupId);
        }

        return Task.CompletedTask;
    }

    /// <summary>An agent that cannot be reached cannot start its offers: they go back to the coordinator.</summary>
    private async Task MarkUnreachableAsync(Agent agent, string error, CancellationToken cancellationToken)
    {
        agent.Status = AgentStatus.Unreachable;
        context.AddTrailEvent(agent.GroupId, Caller.Coordinator, "agent.unreachable", lifecycle.Now,
            new { agent.Name, failures = agent.ConsecutiveDeliveryFailures, error }, agentId: agent.Id);
        var offers = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.AssigneeAgentId == agent.Id && w.State == WorkItemState.Assigned)
            .ToListAsync(cancellationToken);
        foreach (var item in offers)
        {
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Stalled, cancellationToken, stallReason: StallReason.WebhookUnreachable);
            WorkItemStateMachine.Apply(item, WorkItemMove.Stall, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, Caller.Coordinator, "work.stalled", lifecycle.Now,
                new { reason = "webhookUnreachable", agentId = agent.Id }, item.Id, agent.Id);
        }

        // Offers it never received are void now; it must not start them when it comes back. Tracked, not a
        // set-based write: the voiding commits with the stalls above, or not at all.
        var voided = offers.Select(o => o.Id).ToList();
        var unsent = await context.OutboxMessages
            .Where(m => m.AgentId == agent.Id && m.DeliveredAt == null && m.GaveUpAt == null && m.Type == AgentMessageTypes.Assigned
                        && m.WorkItemId != null && voided.Contains(m.WorkItemId.Value))
            .ToListAsync(cancellationToken);
        foreach (var message in unsent)
        {
            message.GaveUpAt = lifecycle.Now;
            message.DueAt = null;
        }

        signals.AssignmentNeeded(agent.GroupId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering {MessageId} to agent {AgentId} after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid messageId, Guid agentId, int attempts, string error);
}
