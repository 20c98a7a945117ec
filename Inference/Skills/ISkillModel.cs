namespace ClawGroups.Inference.Skills;

/// <summary>
/// The coordinator's judgement of who fits which work: the local MoE model, or the lexical baseline behind the
/// same interface. Implementations are thread-safe and batch internally; callers pass whole batches
/// (one item × 300 profiles, 4,000 items × 300 profiles) rather than pairs.
/// </summary>
public interface ISkillModel
{
    /// <summary>A short name for logs, reasons and benchmarks (e.g. <c>moe</c>, <c>lexical</c>).</summary>
    string Name { get; }

    /// <summary>Affinity of every item to every profile.</summary>
    AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken);

    /// <summary>The expected duration of each item in seconds, or null where the model has no estimate.</summary>
    IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken);
}
