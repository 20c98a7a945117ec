namespace ClawGroups.Testing;

/// <summary>The repository the tests run from, for tests that read its documents or start its programs.</summary>
public static class Repository
{
    /// <summary>The folder that holds ClawGroups.sln, found upwards from the test's own output folder.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClawGroups.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Run from inside the repository: ClawGroups.sln not found above {AppContext.BaseDirectory}.");
    }
}
