namespace ClawGroups.Data.WorkItems;

/// <summary>
/// What each word of an item's text made of the skill model's reading (each word, its piece count and mean encoder state),
/// kept when the text is read so that a pass names the words behind a match without reading the text again. In a table of
/// its own, not on the item's row: ~1 KB a word, which every whole-row read of an item (an agent's accept, a pass's moves)
/// would otherwise carry. Good for the text it was read from (<see cref="TextHash"/>) by the model version that read it; a
/// pass ignores rows that match neither, so an edit needs no clean-up here.
/// </summary>
public sealed class WorkItemReadingWords
{
    public Guid WorkItemId { get; set; }

    /// <summary>The version of the model that read the text (as <see cref="WorkItem.ReadingVersion"/>).</summary>
    public string ReadingVersion { get; set; } = string.Empty;

    /// <summary>SHA-256 of the text as the model read it.</summary>
    public byte[] TextHash { get; set; } = [];

    /// <summary>The words, their piece counts and states, in the coordinator's format (little-endian whatever the machine).</summary>
    public byte[] Words { get; set; } = [];
}
