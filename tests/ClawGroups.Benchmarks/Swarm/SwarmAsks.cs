using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// The swarm's work: items phrased as the simulator profiles' own examples would be asked for, spread evenly over the
/// areas, and agents carrying those profiles' cards in turn.
/// </summary>
internal static class SwarmAsks
{
    /// <summary>
    /// Asks that name another area's objects ("bookkeeping software" for research, "reconciliation" for review): a person
    /// would have to say who takes them, and the coordinator rightly holds them when more than one kind of agent is free.
    /// The swarm runs work whose owner is clear.
    /// </summary>
    private static readonly HashSet<string> CrossAreaAsks = new(StringComparer.Ordinal)
    {
        "Estimate the market for bookkeeping software in Germany",
        "Compare the three leading vector databases",
        "Check this reconciliation for mistakes",
        "Which customers churned last quarter, and why?",
    };

    private static readonly string[] Asks = SkillProfiles.Names.Order(StringComparer.Ordinal)
        .SelectMany(name => SkillProfiles.TryGet(name, out var card) ? card.Skills.SelectMany(skill => skill.Examples ?? []) : [])
        .Where(ask => !CrossAreaAsks.Contains(ask))
        .ToArray();

    private static readonly AgentCard[] Profiles = SkillProfiles.Names.Order(StringComparer.Ordinal)
        .Select(name => SkillProfiles.TryGet(name, out var card) ? card : null!)
        .ToArray();

    /// <summary>The <paramref name="index"/>th item of a swarm (0-based), numbered in its title so that every one differs.</summary>
    public static CreateWorkItem Item(int index)
    {
        var ask = Asks[index % Asks.Length];
        return new CreateWorkItem($"{ask} (#{index + 1})", $"Swarm step {index + 1}: {ask.ToLowerInvariant()}.");
    }

    /// <summary>The card of the <paramref name="index"/>th agent (0-based): the profiles in turn, each name numbered.</summary>
    public static AgentCard Card(int index, string delivery, int capacity, Uri? url = null)
    {
        var profile = Profiles[index % Profiles.Length];
        return profile with { Name = $"{profile.Name}-{index + 1}", Delivery = delivery, Capacity = capacity, Url = url };
    }
}
