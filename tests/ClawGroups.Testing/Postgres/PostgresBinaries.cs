namespace ClawGroups.Testing.Postgres;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl) installed on this machine.</summary>
internal static class PostgresBinaries
{
    public const string InstallHint =
        "The integration tests start a throwaway PostgreSQL server and need its programs (initdb, pg_ctl). " +
        "Install them — Debian/Ubuntu: `apt-get install -y postgresql-15` (or `postgresql`); macOS: `brew install postgresql@15` — " +
        "or point the tests at a server you run yourself: CLAWGROUPS_TEST_POSTGRES=\"Host=…;Username=…;Password=…\" " +
        "(the user must be allowed to create databases).";

    public static string FindBinDirectory()
    {
        var candidates = new List<string>();
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            candidates.Add(directory);
        }

        // Debian keeps the server programs off PATH, one folder per major version; prefer the newest.
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(Directory.GetDirectories(debianRoot)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(InstallHint);
    }
}
