namespace ClawGroups.Coordinator.Insights;

/// <summary>The window a dashboard looks at, and how finely it is cut.</summary>
public enum InsightsRange
{
    /// <summary>The last 24 hours, one bucket per hour (UTC).</summary>
    Day = 0,

    /// <summary>The last 14 days, one bucket per day (UTC).</summary>
    Fortnight = 1,
}

/// <summary>How a group's work went over a window: for the dashboard and for anyone asking "is this working?".</summary>
public sealed record GroupInsightsView(
    Guid GroupId,
    InsightsRange Range,
    DateTimeOffset From,
    DateTimeOffset To,
    InsightsTotals Totals,
    IReadOnlyList<StateCount> ItemsByState,
    IReadOnlyList<InsightsBucket> Buckets,
    IReadOnlyList<AgentInsights> Agents)
{
    /// <summary>What the feedback job last taught the group's skill model; null until a tuning was adopted.</summary>
    public SkillTuningView? Tuning { get; init; }
}

/// <summary>
/// A group's adopted skill-model tuning: when, on how much finished work, and what it measured before and after
/// (routing accuracy of the group's recent accepted work, of the corpus held-out items, and the median
/// |ln(estimated / actual duration)|, null when no duration was known).
/// </summary>
public sealed record SkillTuningView(
    DateTimeOffset TunedAt, int Examples, int Members, double GroupAccuracyBefore, double GroupAccuracyAfter,
    double BaseAccuracyBefore, double BaseAccuracyAfter, double? DurationErrorBefore, double? DurationErrorAfter);

/// <summary>
/// Sums for the window, except <see cref="OpenItems"/> and <see cref="Items"/> (now). Attempts are work attempts;
/// reviews are not counted.
/// </summary>
public sealed record InsightsTotals(
    int Items, int OpenItems, int Done, int Stalls, int Reassignments, double? SuccessRate, TimeSpan? MeanTimeToDone);

/// <summary>How many of the group's items are in a state now (states the API writes: <c>inProgress</c>, …).</summary>
public sealed record StateCount(string State, int Count);

/// <summary>
/// One hour or day: items finished, attempts that stalled, and items offered again after an earlier attempt
/// (a reassignment, whatever ended the earlier one).
/// </summary>
public sealed record InsightsBucket(DateTimeOffset Start, int Done, int Stalls, int Reassignments);

/// <summary>
/// One agent's attempts that ended in the window. The success rate is done over done + stalled + rejected + declined
/// (attempts ended by someone else — revoked, reassigned, taken over, cancelled — count for nothing); the mean time
/// to done runs from the offer to the finish. Both are null when there is nothing to measure.
/// </summary>
public sealed record AgentInsights(
    Guid AgentId, string Name, string Status, int Done, int Stalled, int Rejected, int Declined, double? SuccessRate, TimeSpan? MeanTimeToDone);
