namespace ClawGroups.Inference.Tuning;

/// <summary>How a group's head is tuned; the defaults are the ones measured by <c>tune-eval</c> (docs/PERFORMANCE.md).</summary>
public sealed record TuningOptions
{
    public int Steps { get; init; } = 100;

    public double LearningRate { get; init; } = 0.003;

    /// <summary>Weight of the corpus replay loss against the group's loss: what keeps the base skills.</summary>
    public double ReplayWeight { get; init; } = 4;

    /// <summary>Weight of the squared distance from the base head: a second brake on drift, cheaper than replay.</summary>
    public double AnchorWeight { get; init; } = 1;

    /// <summary>Corpus training items pooled once for replay; each step draws <see cref="ReplayBatch"/> of them.</summary>
    public int ReplayItems { get; init; } = 2000;

    public int ReplayBatch { get; init; } = 64;

    /// <summary>Corpus held-out items the base skills are checked on before and after.</summary>
    public int BaseCheckItems { get; init; } = 1000;

    /// <summary>A tuned head that loses more than this on the corpus held-out check is not adopted.</summary>
    public double MaxBaseAccuracyDrop { get; init; } = 0.03;

    /// <summary>The newest share of a group's accepted work held out to judge a head on work it did not learn from.</summary>
    public double ValidationShare { get; init; } = 0.2;

    /// <summary>Below this much accepted work nothing is held out (two items judge nothing); the head is judged on what it learned.</summary>
    public int MinAcceptedToValidate { get; init; } = 20;

    public int Seed { get; init; } = 17;
}
