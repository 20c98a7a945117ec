using System.Globalization;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// The server's threads as the kernel's scheduler saw them, read from <c>/proc/PID/task/*/schedstat</c>: for each thread the
/// time it ran on a core and the time it waited, runnable, for one. Under a swarm the share of waiting tells an
/// oversubscribed server (more runnable threads than cores: whatever holds SQLite's one write turn runs a fraction of
/// the time) from one that waits for something else. Read again at every <see cref="Sample"/>; a thread that exits keeps
/// the figures of its last reading, so the pool's retired workers still count. Linux only.
/// </summary>
internal sealed class ServerThreads(int processId)
{
    /// <summary>The runtime's own name for its thread-pool workers (an internal name, not a contract; within the kernel's 15 characters).</summary>
    private const string PoolWorkerName = ".NET TP Worker";

    private readonly Dictionary<int, (long RanNs, long WaitedNs)> _lastSeen = [];

    /// <summary>The most thread-pool workers one reading found.</summary>
    public int MostPoolWorkers { get; private set; }

    /// <summary>
    /// False until a reading found a thread that ran: elsewhere than Linux, or where the kernel keeps no schedstat (or keeps
    /// it as zeros, with its scheduler statistics off).
    /// </summary>
    public bool Readable => _lastSeen.Values.Any(thread => thread.RanNs > 0);

    /// <summary>Time on a core and time runnable without one, summed over every thread seen so far.</summary>
    public (TimeSpan Ran, TimeSpan Waited) Total =>
        (TimeSpan.FromTicks(_lastSeen.Values.Sum(thread => thread.RanNs) / 100), TimeSpan.FromTicks(_lastSeen.Values.Sum(thread => thread.WaitedNs) / 100));

    /// <summary>Reads every thread of the server again.</summary>
    public void Sample()
    {
        if (!OperatingSystem.IsLinux())
            return;

        List<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories($"/proc/{processId}/task").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // the server has exited
        }

        var poolWorkers = 0;
        foreach (var task in tasks)
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == PoolWorkerName)
                    poolWorkers++;
                // schedstat: nanoseconds on a core, nanoseconds runnable and waiting for one, timeslices run.
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                _lastSeen[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    (long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited between the listing and the read (its last reading stands), or the kernel keeps no schedstat.
            }
        }

        MostPoolWorkers = Math.Max(MostPoolWorkers, poolWorkers);
    }
}
