namespace ClawGroups.Inference.Skills;

/// <summary>
/// What each word of an item's text made of the reading, kept with it so that naming the words behind a match needs no
/// encoder pass (<see cref="ISkillModel.Explain"/>): the text's distinct words that say something (stop words left out), in
/// the order they first appear; how many of the encoder's pieces each had within the tokens read; and the mean of those
/// pieces' final states, [word × hidden]. A match's share of a word is its pieces' states through the embedding head's
/// affine map, dotted with the skill's vector, so the mean times the count gives back what the pieces give one by one.
/// </summary>
public sealed record ReadingWords(IReadOnlyList<string> Words, int[] Pieces, float[] States)
{
    /// <summary>The width of each word's state: <see cref="States"/> holds one per word.</summary>
    public int Hidden => Words.Count == 0 ? 0 : States.Length / Words.Count;

    /// <summary>Whether the counts and states agree with the words, for a state width of <paramref name="hidden"/>.</summary>
    public bool Fits(int hidden) => Pieces.Length == Words.Count && States.Length == Words.Count * hidden;
}
