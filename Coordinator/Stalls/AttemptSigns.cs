using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Stalls;

/// <summary>What an attempt's stall is judged on: when it started, its last sign of progress, the item's last report and estimate.</summary>
public readonly record struct AttemptSigns(DateTimeOffset Accepted, DateTimeOffset? LastProgressAt, DateTimeOffset? ProgressAt, double? ExpectedDurationSeconds)
{
    public static AttemptSigns Of(WorkItem item, Assignment attempt)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(attempt);
        return Of(attempt.OfferedAt, attempt.AcceptedAt, attempt.LastProgressAt, item.ProgressAt, item.ExpectedDurationSeconds);
    }

    /// <summary>The same from the columns themselves: an attempt never accepted counts from its offer.</summary>
    public static AttemptSigns Of(
        DateTimeOffset offeredAt, DateTimeOffset? acceptedAt, DateTimeOffset? lastProgressAt, DateTimeOffset? progressAt, double? expectedDurationSeconds)
        => new(acceptedAt ?? offeredAt, lastProgressAt, progressAt, expectedDurationSeconds);
}
