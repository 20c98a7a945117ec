namespace ClawGroups.Data.Webhooks;

/// <summary>One try at delivering an outbox message, kept for diagnosis.</summary>
public class DeliveryAttempt
{
    public long Id { get; set; }

    public Guid OutboxMessageId { get; set; }

    public DateTimeOffset At { get; set; }

    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public int DurationMs { get; set; }
}
