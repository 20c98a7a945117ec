using System.Text.Json;

namespace ClawGroups.AgentSimulator.Webhooks;

/// <summary>The webhook event types of the contract.</summary>
public static class WebhookEventTypes
{
    public const string WorkAssigned = "work.assigned";
    public const string WorkRevoked = "work.revoked";
    public const string WorkRejected = "work.rejected";
    public const string WorkMessage = "work.message";
    public const string WorkPaused = "work.paused";
    public const string WorkResumed = "work.resumed";
    public const string Ping = "ping";
}

/// <summary>
/// One delivery, taken in once. <see cref="Attempt"/> is how many times the receiver had seen this delivery id
/// when it took it in (1 unless earlier attempts were refused, e.g. in flaky mode).
/// </summary>
public sealed record WebhookDelivery(
    string Id,
    string Type,
    DateTimeOffset? CreatedAt,
    JsonElement Data,
    int Attempt,
    DateTimeOffset ReceivedAt)
{
    /// <summary>A string member of <see cref="Data"/> (e.g. <c>workItemId</c>, <c>reason</c>, <c>text</c>).</summary>
    public string? DataString(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>A request the receiver refused with 401, and why.</summary>
public sealed record RejectedDelivery(string? DeliveryId, SignatureCheck Reason, DateTimeOffset At);
