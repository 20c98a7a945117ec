namespace ClawGroups.Data.Database;

/// <summary>
/// How hard the embedded SQLite file holds a commit (SQLite's <c>synchronous</c> setting, in WAL mode). A crash of the
/// process loses nothing either way: a commit is in the operating system's hands once it returns. The two differ only
/// when the machine itself stops (power loss, kernel panic).
/// </summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=NORMAL</c>, the default: the log is flushed to disk at checkpoints, not at every commit. A power loss
    /// can undo the last commits, in order and each whole, which leaves the state a process crash at that moment would have
    /// left; the file is never corrupted. A flush per commit cost 1.2 ms on the development machine's
    /// disk, and one writer at a time pays it: at a swarm's rate that flushing alone filled the write queue.
    /// </summary>
    Normal = 0,

    /// <summary><c>synchronous=FULL</c>: every commit waits for the disk. For a node whose last second of work must survive a power loss.</summary>
    Full = 1,
}
