namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The spec's <c>AgentSkill</c>: something an agent is good at, as its card advertises it.</summary>
public sealed record A2aAgentSkill
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string>? Examples { get; init; }

    public IReadOnlyList<string>? InputModes { get; init; }

    public IReadOnlyList<string>? OutputModes { get; init; }

    public IReadOnlyList<SecurityRequirement>? SecurityRequirements { get; init; }
}
