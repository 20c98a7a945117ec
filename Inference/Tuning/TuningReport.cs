namespace ClawGroups.Inference.Tuning;

/// <summary>
/// What tuning made and measured: routing accuracy@1 of the group's accepted work among the group's members (the
/// <paramref name="Validated"/> newest items, held out from tuning; all of them when there were too few to hold out),
/// and of the corpus held-out items among the held-out profiles (the base skills), both before and after.
/// </summary>
public sealed record TuningReport(
    TunedHead Head, int Examples, int Members, int Validated, double GroupBefore, double GroupAfter, double BaseBefore, double BaseAfter,
    double MaxBaseAccuracyDrop)
{
    /// <summary>The group's current head on the same work, when it had one.</summary>
    public double? GroupCurrent { get; init; }

    /// <summary>Median |ln(predicted / actual duration)| on the same work, before and after; null when no duration was known.</summary>
    public double? DurationErrorBefore { get; init; }

    /// <inheritdoc cref="DurationErrorBefore"/>
    public double? DurationErrorAfter { get; init; }

    /// <summary>
    /// Adopt the head only if it kept the base skills (lost at most <see cref="MaxBaseAccuracyDrop"/>) and routes the
    /// group's work at least as well as the base head and as the group's current head.
    /// </summary>
    public bool Adopted => BaseBefore - BaseAfter <= MaxBaseAccuracyDrop + 1e-9 && GroupAfter >= GroupBefore && GroupAfter >= (GroupCurrent ?? 0);
}
