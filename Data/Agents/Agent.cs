using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;

namespace ClawGroups.Data.Agents;

/// <summary>An external agent registered into one group, with its skill profile and credentials.</summary>
public class Agent : IVersioned
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    public Group? Group { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The version the agent declares in its card (A2A <c>AgentCard.version</c>).</summary>
    public string? CardVersion { get; set; }

    public string? Model { get; set; }

    public string? Device { get; set; }

    /// <summary>The agent card exactly as posted (A2A <c>AgentCard</c> plus our fields), so no unknown field is lost.</summary>
    public string CardJson { get; set; } = "{}";

    public List<AgentSkill> Skills { get; } = [];

    /// <summary>How many work items the agent takes at once.</summary>
    public int Capacity { get; set; } = 1;

    public DeliveryMode Delivery { get; set; }

    public string? WebhookUrl { get; set; }

    /// <summary>Where an A2A agent's card was fetched from (null when it was posted inline); read again to see it is there.</summary>
    public string? A2aCardUrl { get; set; }

    /// <summary>The A2A agent's JSON-RPC endpoint, from its card's <c>supportedInterfaces</c>: where work goes.</summary>
    public string? A2aEndpointUrl { get; set; }

    /// <summary>The card says <c>capabilities.pushNotifications</c>: its tasks' updates are also pushed back to us.</summary>
    public bool A2aPushNotifications { get; set; }

    /// <summary>This server's address as the A2A agent reaches it, for the push-notification URL it is given.</summary>
    public string? A2aCallbackBaseUrl { get; set; }

    /// <summary>Recognisable start of the API key, for lists and logs; never enough to use it.</summary>
    public string ApiKeyPrefix { get; set; } = "";

    /// <summary>SHA-256 of the API key, hex. Keys carry 256 bits of entropy, so a fast hash is enough.</summary>
    public string ApiKeyHash { get; set; } = "";

    /// <summary>The webhook secret protected with ASP.NET Core Data Protection; the agent got it in clear once.</summary>
    public string? WebhookSecretProtected { get; set; }

    public AgentStatus Status { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? LastHeartbeatAt { get; set; }

    public string? LastHeartbeatNote { get; set; }

    /// <summary>Per-agent overrides of the stall thresholds.</summary>
    public StallThresholds Thresholds { get; set; } = new();

    /// <summary>Webhook deliveries that failed in a row; reset by any success.</summary>
    public int ConsecutiveDeliveryFailures { get; set; }

    public Guid? JoinTokenId { get; set; }

    public DateTimeOffset? KeyRotatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public long Version { get; set; }
}

public enum DeliveryMode
{
    Pull = 0,
    Webhook = 1,

    /// <summary>Work goes out as A2A <c>SendMessage</c>; the task's updates drive the item (decision 0027).</summary>
    A2a = 2,
}

public enum AgentStatus
{
    Online = 0,
    Busy = 1,
    Stalled = 2,
    Offline = 3,
    Paused = 4,
    Unreachable = 5,
    Revoked = 6,
}
