using System.Diagnostics;
using ClawGroups.Testing.Node;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// Runs one of the scripts in Node/ (copied next to the test assembly) with the SDKs pinned there, installing them on the
/// first call. A script takes its inputs as environment variables and writes what it saw to standard output, one JSON
/// object per line, so that the test asserts in C#; a failing script exits non-zero with the reason on standard error.
/// </summary>
public static class NodeScript
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Node");

    /// <summary>Installs the pinned SDKs (once per machine and build output).</summary>
    public static Task EnsureInstalledAsync() =>
        NpmPackages.EnsureInstalledAsync(Folder, "node_modules/@modelcontextprotocol/sdk/package.json");

    /// <summary>Runs <paramref name="script"/> to its end (killed after <paramref name="timeout"/>).</summary>
    public static async Task<NodeRun> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        await EnsureInstalledAsync();
        await using var process = Start(script, environment);
        return await process.WaitAsync(timeout);
    }

    /// <summary>Starts <paramref name="script"/> and leaves it running (an agent server the app talks to); dispose to stop it.</summary>
    public static RunningNodeScript Start(string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(Folder, script)])
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return new RunningNodeScript(Process.Start(start) ?? throw new InvalidOperationException($"node {script} did not start."), script);
    }
}

/// <summary>What a finished script printed and how it exited.</summary>
public sealed record NodeRun(int ExitCode, IReadOnlyList<string> Lines, string Errors)
{
    /// <summary>A failure message with everything the script said.</summary>
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Errors}";
}
