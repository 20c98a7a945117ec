namespace ClawGroups.Data.Database;

/// <summary>
/// Marks the writes of a flow (an async call and what it awaits) as ones many others wait on. On the embedded SQLite file,
/// where one writer writes at a time, they take the next turn at the write gate before the requests queued there
/// (<see cref="SqliteWriteGate"/>). An assignment pass's save fills dozens of free slots at once: behind a swarm's queue of
/// agent reports it waited 0.5–4 s for its turn, and every slot it was to fill stood empty that long. PostgreSQL has no
/// gate, and this changes nothing there.
/// </summary>
public static class WritePriority
{
    private static readonly AsyncLocal<bool> Marked = new();

    /// <summary>True while the current flow's writes go ahead.</summary>
    public static bool IsAhead => Marked.Value;

    /// <summary>Writes until the returned scope is disposed go ahead of the ordinary line.</summary>
    public static IDisposable Ahead()
    {
        var before = Marked.Value;
        Marked.Value = true;
        return new Restore(before);
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => Marked.Value = before;
    }
}
