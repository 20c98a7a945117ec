using System.Collections.Concurrent;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// The last face written for each item on this node, so that a newer view's face takes the pieces it repeats from it. A
/// progress report is a new view that changes the progress piece alone; boards still showing the older view and those
/// showing the newer then hold one head, one skills line and one last line between them instead of one per version (the
/// heap of 300 boards held fourteen equal copies of a head per item while reports came in). The faces are held weakly:
/// an item no board shows lets its face go.
/// </summary>
internal static class LatestFaces
{
    private const int PruneFloor = 1024;

    private static readonly ConcurrentDictionary<Guid, WeakReference<CardFace.Html>> Faces = new();

    // The table's size, counted here: ConcurrentDictionary.Count takes every lock, and this runs on cards' renders.
    private static int _count;
    private static int _pruneAt = PruneFloor;

    /// <summary><paramref name="written"/> for <paramref name="itemId"/>, with each piece the last face said the same taken from it.</summary>
    public static CardFace.Html Share(Guid itemId, CardFace.Html written)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (Faces.TryGetValue(itemId, out var reference) && reference.TryGetTarget(out var last))
        {
            written = written with
            {
                Head = Same(last.Head, written.Head),
                Skills = Same(last.Skills, written.Skills),
                Progress = Same(last.Progress, written.Progress),
                Holder = Same(last.Holder, written.Holder),
                Attempts = Same(last.Attempts, written.Attempts),
                LabelledBy = Same(last.LabelledBy, written.LabelledBy),
                WarningId = Same(last.WarningId, written.WarningId),
                TimeId = Same(last.TimeId, written.TimeId),
                TimeTitle = Same(last.TimeTitle, written.TimeTitle),
            };
        }

        if (Faces.TryAdd(itemId, new WeakReference<CardFace.Html>(written)))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            Faces[itemId] = new WeakReference<CardFace.Html>(written);
        }

        PruneWhenLarge();
        return written;
    }

    private static string Same(string last, string now) => string.Equals(last, now, StringComparison.Ordinal) ? last : now;

    /// <summary>Forgets items whose faces are gone, whenever the table has doubled since it was last pruned.</summary>
    private static void PruneWhenLarge()
    {
        if (Volatile.Read(ref _count) < Volatile.Read(ref _pruneAt))
        {
            return;
        }

        foreach (var entry in Faces)
        {
            if (!entry.Value.TryGetTarget(out _) && Faces.TryRemove(entry))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        Volatile.Write(ref _pruneAt, Math.Max(PruneFloor, 2 * Volatile.Read(ref _count)));
    }
}
