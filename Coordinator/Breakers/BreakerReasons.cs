namespace ClawGroups.Coordinator.Breakers;

/// <summary>Why a breaker tripped, as the trail (<c>breaker.tripped</c>, <c>breaker.released</c>) and the board name it.</summary>
public static class BreakerReasons
{
    /// <summary>An item bounced between members more often than <see cref="BreakerOptions.MaxBounces"/>.</summary>
    public const string PingPong = "pingPong";

    /// <summary>An agent failed <see cref="BreakerOptions.FailureStreak"/> times in a row and cools down.</summary>
    public const string FailureStreak = "failureStreak";

    /// <summary>An agent's plan would have created more items in an hour than <see cref="BreakerOptions.MaxItemsCreatedPerHour"/>.</summary>
    public const string CreationRate = "creationRate";

    /// <summary>An agent's plan repeated work that is already open in the group, or repeated itself (<see cref="TitleSimilarity"/>).</summary>
    public const string DuplicateWork = "duplicateWork";
}
