namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// The spec's <c>AgentCard</c>: an agent's self-description, served at <c>/.well-known/agent-card.json</c>. v1.0 names its endpoints in
/// <see cref="SupportedInterfaces"/> (the first preferred); 0.3's top-level <c>url</c> is gone.
/// </summary>
public sealed record A2aAgentCard
{
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<AgentInterface> SupportedInterfaces { get; init; } = [];

    public AgentProvider? Provider { get; init; }

    public string Version { get; init; } = "";

    public string? DocumentationUrl { get; init; }

    public AgentCapabilities? Capabilities { get; init; }

    public IReadOnlyDictionary<string, SecurityScheme>? SecuritySchemes { get; init; }

    public IReadOnlyList<SecurityRequirement>? SecurityRequirements { get; init; }

    public IReadOnlyList<string> DefaultInputModes { get; init; } = [];

    public IReadOnlyList<string> DefaultOutputModes { get; init; } = [];

    public IReadOnlyList<A2aAgentSkill> Skills { get; init; } = [];

    public IReadOnlyList<AgentCardSignature>? Signatures { get; init; }

    public string? IconUrl { get; init; }
}
