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

    /// <summary>
    /// The version of item readings this model uses (<see cref="Read"/>, <see cref="WorkItemText.Reading"/>), or null when it
    /// reads items' text afresh each time (the lexical baseline: words cost nothing to count).
    /// </summary>
    string? ReadingVersion => null;

    /// <summary>Affinity of every item to every profile. An item carrying a reading of this model's version is not read again.</summary>
    AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken);

    /// <summary>
    /// Reads profiles ahead of the first <see cref="Score"/> that needs them, where the model keeps what it read of a profile
    /// (a member's card is read when it registers, as an item is when it is created, rather than by the pass that first meets
    /// it). A skill carrying a reading of this model's version (<see cref="SkillEntry.Reading"/>) is not read again. Returns
    /// each profile's readings, one per skill in the profile's order, for the caller to keep with the card: a node that starts
    /// later, or another node, then finds the card read. Empty when <see cref="ReadingVersion"/> is null.
    /// </summary>
    IReadOnlyList<IReadOnlyList<ItemReading>> ReadProfiles(IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken) => [];

    /// <summary>Whether <see cref="Score"/> would find the profile read already; always, for a model that keeps nothing of it.</summary>
    bool HasRead(SkillProfile profile) => true;

    /// <summary>The expected duration of each item in seconds, or null where the model has no estimate.</summary>
    IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken);

    /// <summary>
    /// Each item read once into what <see cref="Score"/> needs of it, to be kept with the item (when it is created or edited)
    /// so that passes over it only multiply vectors. Empty when <see cref="ReadingVersion"/> is null.
    /// </summary>
    IReadOnlyList<ItemReading> Read(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken) => [];

    /// <summary>
    /// For each match, the words of the item that drove it toward that skill, strongest first (at most <paramref name="words"/>),
    /// for a reason people can read: "restarting pods → Infrastructure (Kubernetes)". Empty where nothing stands out.
    /// </summary>
    IReadOnlyList<IReadOnlyList<string>> Explain(IReadOnlyList<SkillMatch> matches, int words, CancellationToken cancellationToken) =>
        SharedWords.Explain(matches, words);
}

/// <summary>
/// What the model made of an item's text (or of one skill of a card): a vector, the version of the model that made it, and,
/// for an item and where the model can tell, what each word made of it (null where it was not kept: the words are then found
/// by reading the text again). The vector is read, never written: one decoded from kept bytes is shared by every reading of
/// those bytes (the coordinator's <c>ItemReadings.ToVector</c>).
/// </summary>
public sealed record ItemReading(string Version, float[] Vector, ReadingWords? Words = null);

/// <summary>One item matched to one skill (by index) of one profile, for <see cref="ISkillModel.Explain"/>.</summary>
public sealed record SkillMatch(WorkItemText Item, SkillProfile Profile, int Skill);
