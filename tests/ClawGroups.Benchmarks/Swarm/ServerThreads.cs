using System.Globalization;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// The server's threads as the kernel's scheduler saw them, read from <c>/proc/PID/task/*/schedstat</c>: for each thread the
/// time it ran on a core and the time it waited, runnable, for one. Under a swarm the share of waiting tells an
/// oversubscribed server (more runnable threads than cores: whatever holds SQLite's one write turn runs a fraction of
/// the time) from one that waits for something else. Linux only; empty elsewhere.
/// </summary>
internal sealed record ServerThreads(IReadOnlyDictionary<int, (string Name, long RanNs, long WaitedNs)> ByThread)
{
    /// <summary>What the kernel names the runtime's thread-pool workers (a thread's name is cut to 15 characters).</summary>
    private const string PoolWorkerName = ".NET TP Worker";

    public static ServerThreads Read(int processId)
    {
        var threads = new Dictionary<int, (string, long, long)>();
        if (!OperatingSystem.IsLinux())
            return new ServerThreads(threads);

        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories($"/proc/{processId}/task").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ServerThreads(threads); // the server has exited
        }

        foreach (var task in tasks)
        {
            try
            {
                // schedstat: nanoseconds on a core, nanoseconds runnable and waiting for one, timeslices run.
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    (name, long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited between the listing and the read.
            }
        }

        return new ServerThreads(threads);
    }

    /// <summary>How many of the threads are the runtime's thread-pool workers.</summary>
    public int PoolWorkers => ByThread.Values.Count(thread => thread.Name == PoolWorkerName);

    /// <summary>
    /// Time on a core and time runnable without one since <paramref name="earlier"/>, over the threads alive at both
    /// readings plus those started since (a thread that exited in between took its figures with it).
    /// </summary>
    public (TimeSpan Ran, TimeSpan Waited) Since(ServerThreads earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        long ran = 0, waited = 0;
        foreach (var (id, now) in ByThread)
        {
            var (ranBefore, waitedBefore) = earlier.ByThread.TryGetValue(id, out var then) ? (then.RanNs, then.WaitedNs) : (0L, 0L);
            ran += now.RanNs - ranBefore;
            waited += now.WaitedNs - waitedBefore;
        }

        return (TimeSpan.FromTicks(ran / 100), TimeSpan.FromTicks(waited / 100));
    }
}
