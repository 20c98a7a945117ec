using System.Collections.Concurrent;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// What a node remembers about one group's ready items from one pass to the next, under a key that changes whenever the
/// remembered value could (the item's id and version, and more where the value depends on more). Each pass keeps only the
/// items it saw, so a memo holds at most one group's ready work.
/// </summary>
public class ItemMemo<TKey, TValue>
    where TKey : notnull
{
    private ConcurrentDictionary<TKey, TValue> _values = new();

    public bool TryGet(TKey key, out TValue value) => _values.TryGetValue(key, out value!);

    /// <summary>Whether the memo holds nothing (a group's first pass on this node, or one after a pass that saw no items).</summary>
    public bool IsEmpty => _values.IsEmpty;

    public void Add(TKey key, TValue value) => _values[key] = value;

    /// <summary>
    /// Forgets every key but <paramref name="keys"/> once the memo holds a quarter more than the <paramref name="count"/> a
    /// pass sees, not on every pass: a stale key is never asked for again (its version moved on), and a new dictionary of
    /// thousands of entries each pass lived just long enough to be promoted.
    /// </summary>
    public void Prune(IEnumerable<TKey> keys, int count)
    {
        if (_values.Count > count + (count / 4) + 64)
        {
            KeepOnly(keys);
        }
    }

    /// <summary>Forgets every key but <paramref name="keys"/> (items done, moved on or edited since).</summary>
    public void KeepOnly(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var kept = new ConcurrentDictionary<TKey, TValue>();
        foreach (var key in keys)
        {
            if (_values.TryGetValue(key, out var value))
            {
                kept[key] = value;
            }
        }

        _values = kept;
    }
}
