namespace ClawGroups.Data.Database;

/// <summary>
/// What the SQLite write gate's turns have cost since the process started: how many, how long they were held in all, how many
/// writers had to wait and how long in all, the most writers waiting at once since the last reading, and how long in all
/// a turn was handed to an asynchronous writer that was not running yet (it holds the turn from then, so nobody writes
/// meanwhile; a blocked writer wakes on its own thread and is not counted).
/// </summary>
public sealed record WriteGateStatistics(long Turns, TimeSpan Held, long Waits, TimeSpan Waited, int MostWaiting, TimeSpan HandedOver)
{
    public static readonly WriteGateStatistics None = new(0, TimeSpan.Zero, 0, TimeSpan.Zero, 0, TimeSpan.Zero);

    /// <summary>The sum over several database files.</summary>
    public WriteGateStatistics Plus(WriteGateStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Turns + other.Turns, Held + other.Held, Waits + other.Waits, Waited + other.Waited, Math.Max(MostWaiting, other.MostWaiting), HandedOver + other.HandedOver);
    }

    /// <summary>What happened between <paramref name="earlier"/> and this reading (the most waiting is this reading's own).</summary>
    public WriteGateStatistics Since(WriteGateStatistics earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return this with { Turns = Turns - earlier.Turns, Held = Held - earlier.Held, Waits = Waits - earlier.Waits, Waited = Waited - earlier.Waited, HandedOver = HandedOver - earlier.HandedOver };
    }
}
