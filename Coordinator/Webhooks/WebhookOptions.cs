using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary>The <c>ClawGroups:Webhooks</c> section: how messages reach webhook agents.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "ClawGroups:Webhooks";

    /// <summary>
    /// Allow webhook URLs that resolve to loopback, private or link-local addresses. Off in production, so that
    /// registering an agent cannot make the server call into its own network; on in Development and tests.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>An agent that has not answered within this time has not received the delivery.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Tries per message before giving up on it.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Failed deliveries in a row after which the agent is marked unreachable and its offers move on.</summary>
    [Range(1, 1000)]
    public int UnreachableAfterFailures { get; set; } = 6;

    /// <summary>
    /// The first retry waits between half this and this (equal jitter, see <see cref="DeliveryBackoff"/>); each later one
    /// twice as long, up to the maximum.
    /// </summary>
    [Range(0.1, 3600)]
    public double RetryBaseDelaySeconds { get; set; } = 2;

    [Range(1, 86400)]
    public double RetryMaxDelaySeconds { get; set; } = 600;
}
