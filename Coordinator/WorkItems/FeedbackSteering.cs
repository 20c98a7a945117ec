using System.Text.RegularExpressions;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// What the feedback of a rejection, a hand-back, a decline or a reassignment does to routing (decision 0024), in one place:
/// the member the item is sent on from is steered away from unless the feedback asks for that member again, and the
/// feedback is kept with the item's text, which the skill model reads again for the next pass.
/// </summary>
public static partial class FeedbackSteering
{
    /// <summary>Words that turn a note naming the member into a note against them ("not kube", "pixel got it wrong").</summary>
    private static readonly HashSet<string> Refusals = new(StringComparer.OrdinalIgnoreCase)
    {
        "not", "no", "never", "wrong", "else", "another", "different", "instead", "other", "without", "stop",
    };

    /// <summary>
    /// Whether a note asks for the same member again: the explicit choice when one was made (the dialogs' checkbox, the API's
    /// <c>sameMember</c>), else a note that names the member and says nothing against them ("kube, add the tests" asks for
    /// kube; "not kube" and "kube got it wrong" do not). Without either, the answer is no: by default the item moves on.
    /// </summary>
    public static bool AsksForSameMember(string? note, string? memberName, bool? sameMember)
    {
        if (sameMember is { } chosen)
        {
            return chosen;
        }

        if (string.IsNullOrWhiteSpace(note) || string.IsNullOrWhiteSpace(memberName))
        {
            return false;
        }

        var normalized = note.Replace('\u2019', '\'');
        var named = Regex.IsMatch(normalized, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(memberName.Trim())}(?![\p{{L}}\p{{N}}])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        return named && !Word().Matches(normalized).Any(w => Refusals.Contains(w.Value) || w.Value.EndsWith("n't", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Records that <paramref name="from"/> ended with the item sent on, with <paramref name="note"/>: the attempt's member
    /// is steered away from unless the note asks for them, and the note is kept for the next reading. Returns whether the
    /// member may be offered the item again.
    /// </summary>
    public static bool SendOn(WorkItemLifecycle lifecycle, WorkItem item, Assignment? from, string? fromName, string? note, bool? sameMember)
    {
        ArgumentNullException.ThrowIfNull(item);
        var same = AsksForSameMember(note, fromName, sameMember);
        if (from is not null)
        {
            from.SteeredAway = !same;
        }

        Remember(lifecycle, item, note);
        return same;
    }

    /// <summary>
    /// Keeps a note with the item's routing notes, newest first. The kept reading is of the text without it, so it is
    /// dropped, and the item is read again after the commit as a reworded one is (<see cref="WorkItemLifecycle.TextWritten"/>).
    /// </summary>
    public static void Remember(WorkItemLifecycle lifecycle, WorkItem item, string? note)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(item);
        if (string.IsNullOrWhiteSpace(note))
        {
            return;
        }

        // One note a line: the oldest are dropped whole.
        item.RoutingNotes = WithNote(item.RoutingNotes, note.Trim().ReplaceLineEndings(" "));
        lifecycle.TextWritten(item);
    }

    /// <summary>The notes with <paramref name="note"/> first; the oldest are dropped to stay within the column.</summary>
    public static string WithNote(string? notes, string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var kept = note.Length > WorkItemLimits.MaxRoutingNotesLength ? note[..WorkItemLimits.MaxRoutingNotesLength] : note;
        foreach (var older in (notes ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (kept.Length + 1 + older.Length > WorkItemLimits.MaxRoutingNotesLength)
            {
                break;
            }

            kept = $"{kept}\n{older}";
        }

        return kept;
    }

    /// <summary>
    /// The description the skill model reads: the routing notes before the description, so that a long description cannot
    /// push the newest steer past what the model reads of an item.
    /// </summary>
    public static string ReadWithNotes(string description, string? notes)
        => string.IsNullOrWhiteSpace(notes) ? description : $"{notes.Replace("\n", ". ", StringComparison.Ordinal)}. {description}";

    [GeneratedRegex(@"[\p{L}\p{N}']+")]
    private static partial Regex Word();
}
