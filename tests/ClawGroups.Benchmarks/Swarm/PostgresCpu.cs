using System.Globalization;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// The CPU time PostgreSQL's processes have used, read from <c>/proc</c>: every live <c>postgres</c> process's own time plus
/// what its exited children used (the postmaster collects its finished backends'), so that a run can say what the database
/// took of the cores it shares with the app and the agents. Linux only; zero elsewhere.
/// </summary>
internal static class PostgresCpu
{
    /// <summary>Clock ticks a second (<c>USER_HZ</c>): 100 on every Linux architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan Total()
    {
        if (!OperatingSystem.IsLinux())
            return TimeSpan.Zero;

        // By the kernel's name for each process: a backend rewrites its command line ("postgres: user db …"), which is where
        // Process.GetProcessesByName looks on Linux, so it finds none of them.
        var ticks = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Sum(pid => TicksOf(pid!));
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static long TicksOf(string processId)
    {
        try
        {
            // The command's name is in parentheses (it may hold spaces); utime, stime, cutime and cstime are the 12th to 15th
            // fields after it.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var (open, close) = (stat.IndexOf('('), stat.LastIndexOf(')'));
            if (stat[(open + 1)..close] != "postgres")
                return 0;
            var fields = stat[(close + 2)..].Split(' ');
            return fields.Skip(11).Take(4).Sum(field => long.Parse(field, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // the process exited between the listing and the read: a backend's time is now its parent's
        }
    }
}
