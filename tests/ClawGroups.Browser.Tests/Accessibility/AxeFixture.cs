using System.ComponentModel;
using System.Diagnostics;

namespace ClawGroups.Browser.Tests.Accessibility;

/// <summary>
/// axe-core, the accessibility checker, pinned in this folder's package.json and package-lock.json. The first test run
/// installs it with <c>npm ci</c> next to the test assembly (bin/, ignored by git), so README's <c>dotnet test</c> does all
/// set-up; later runs reuse it. Nothing else is fetched: the pages are checked by the script read from disk.
/// </summary>
public sealed class AxeFixture : IAsyncLifetime
{
    private static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(5);

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Accessibility");

    private static string ScriptPath => Path.Combine(Folder, "node_modules", "axe-core", "axe.min.js");

    /// <summary>axe.min.js, to inject into a page.</summary>
    public string Script { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ScriptPath))
        {
            await InstallAsync();
        }

        Script = await File.ReadAllTextAsync(ScriptPath);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task InstallAsync()
    {
        var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "The accessibility tests need npm to install axe-core (pinned in tests/ClawGroups.Browser.Tests/Accessibility). " +
                "Install Node.js and npm, e.g. `apt-get install -y nodejs npm` (.ci/run does).", e);
        }

        using (npm)
        using (var limit = new CancellationTokenSource(InstallLimit))
        {
            var output = npm.StandardOutput.ReadToEndAsync(limit.Token);
            var errors = npm.StandardError.ReadToEndAsync(limit.Token);
            await npm.WaitForExitAsync(limit.Token);
            if (npm.ExitCode != 0 || !File.Exists(ScriptPath))
            {
                throw new InvalidOperationException(
                    $"`npm ci` in {Folder} failed (exit code {npm.ExitCode}), so axe-core is not installed:\n{await output}\n{await errors}");
            }
        }
    }
}
