using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Coordinator.Breakers;

/// <summary>
/// The <c>ClawGroups:Coordinator:Breakers</c> section (environment <c>ClawGroups__Coordinator__Breakers__…</c>): when the
/// coordinator stops a loop or a runaway (decision 0028). Each breaker has a default that lets ordinary bad luck through.
/// </summary>
public sealed class BreakerOptions
{
    /// <summary>
    /// Ping-pong: an item that came back to the coordinator (rejected, declined, handed back, reassigned) more than this many
    /// times since a person last retried it fails and waits for a person. Declines spend no attempts, so this is what ends a
    /// decline loop.
    /// </summary>
    [Range(1, 1000)]
    public int MaxBounces { get; set; } = 5;

    /// <summary>Failure streak: an agent whose last this many finished attempts all failed (stalled, rejected, failed) cools down.</summary>
    [Range(1, 1000)]
    public int FailureStreak { get; set; } = 3;

    /// <summary>The first cool-down; each further failure while the breaker is tripped doubles it.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int CooldownSeconds { get; set; } = 300;

    /// <summary>The longest cool-down, however often the agent failed.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int MaxCooldownSeconds { get; set; } = 4 * 3600;

    /// <summary>
    /// Creation rate: the most work items one agent may create (by proposing plans) in any hour. A plan that would take the
    /// agent past it is refused whole with 429 and <c>Retry-After</c>. Generous for a planner, tight for a loop.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxItemsCreatedPerHour { get; set; } = 200;
}
