using ClawGroups.AgentSimulator.Api;
using Microsoft.Extensions.Logging;

namespace ClawGroups.AgentSimulator.Agents;

public sealed record SimulatedAgentOptions
{
    public required Uri ServerUrl { get; init; }

    /// <summary>A <c>cg_join_…</c> token of the group to join.</summary>
    public required string JoinToken { get; init; }

    public required string Name { get; init; }

    /// <summary>The card to register with; name, url and delivery are filled in from these options.</summary>
    public AgentCard Profile { get; init; } = SkillProfiles.Backend;

    /// <summary><see cref="AgentDelivery.Webhook"/> (a <see cref="Webhooks.WebhookReceiver"/> on loopback) or <see cref="AgentDelivery.Pull"/>.</summary>
    public string Delivery { get; init; } = AgentDelivery.Webhook;

    public AgentBehaviour Behaviour { get; init; } = AgentBehaviour.Diligent;

    public AgentTimings Timings { get; init; } = new();

    /// <summary>
    /// A client to call the server with (not disposed by the agent); its BaseAddress is set to
    /// <see cref="ServerUrl"/> when it has none. Null: the agent makes and owns one.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
