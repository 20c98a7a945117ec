using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.AgentSimulator.Api;

/// <summary>How an agent wants its work: pushed to its <c>url</c> by signed webhook, or pulled by long polling.</summary>
public static class AgentDelivery
{
    public const string Webhook = "webhook";
    public const string Pull = "pull";
}

/// <summary>
/// An A2A-style agent card, as posted to <c>POST /api/v1/agents</c>. Fields of the A2A <c>AgentCard</c> that the
/// contract does not name travel in <see cref="Extra"/>.
/// </summary>
public sealed record AgentCard
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string Version { get; init; } = "1.0";
    public Uri? Url { get; init; }
    public string Delivery { get; init; } = AgentDelivery.Pull;
    public int Capacity { get; init; } = 1;
    public string? Model { get; init; }
    public string? Device { get; init; }
    public IReadOnlyList<AgentSkill> Skills { get; init; } = [];

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record AgentSkill
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyList<string> Examples { get; init; } = [];
    public double? Level { get; init; }
}

/// <summary>The answer to a registration; the key and the secret are shown this once.</summary>
public sealed record AgentRegistration(string AgentId, string GroupId, string ApiKey, string? WebhookSecret);

public static class HeartbeatStatus
{
    public const string Idle = "idle";
    public const string Busy = "busy";
}

public sealed record Heartbeat(string Status, string? Note = null);

/// <summary>Usage for one attempt, cumulative.</summary>
public sealed record Usage(long InputTokens, long OutputTokens, decimal CostUsd);

public sealed record ProgressReport(double Fraction, string? Message = null, Usage? Usage = null);

public sealed record Artifact(string Name, string MediaType, string Content);

public sealed record WorkResult(string Summary, IReadOnlyList<Artifact> Artifacts, Usage? Usage = null);

public sealed record Decline(string Reason);
