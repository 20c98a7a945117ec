namespace ClawGroups.Data.Webhooks;

/// <summary>
/// A message to an agent, written in the same transaction as the change it announces (the transactional
/// outbox). Webhook agents get it by signed POST, retried until delivered; pull agents read it with their
/// next pull. <see cref="Id"/> is the stable delivery id that agents dedupe on.
/// </summary>
public class OutboxMessage
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    public Guid AgentId { get; set; }

    public Guid? WorkItemId { get; set; }

    /// <summary><c>work.assigned</c>, <c>work.revoked</c>, <c>work.message</c>, <c>ping</c>, …</summary>
    public string Type { get; set; } = "";

    /// <summary>The exact JSON body to send; signed as written, so it is never re-serialised.</summary>
    public string BodyJson { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the next delivery attempt is due; null once delivered or given up.</summary>
    public DateTimeOffset? DueAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Set when retries were exhausted; the agent is then marked unreachable.</summary>
    public DateTimeOffset? GaveUpAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>A worker's claim on the message, so that two workers do not send it at the same moment.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public List<DeliveryAttempt> DeliveryAttempts { get; } = [];
}
