using System.ComponentModel;
using System.Diagnostics;

namespace ClawGroups.Testing.Node;

/// <summary>
/// The npm packages a test project pins in a folder of its own (package.json and package-lock.json, copied next to the test
/// assembly). The first run installs them with <c>npm ci</c> into that folder's node_modules (under bin/, ignored by git), so
/// README's <c>dotnet test</c> does all set-up; later runs reuse them. Only the npm registry is reached, and only then.
/// </summary>
public static class NpmPackages
{
    private static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim OneInstallAtATime = new(1, 1);

    /// <summary>
    /// Makes sure the packages of <paramref name="folder"/> are installed: runs <c>npm ci</c> unless
    /// <paramref name="probe"/> (a file an installed package has, relative to the folder) exists already.
    /// </summary>
    public static async Task EnsureInstalledAsync(string folder, string probe)
    {
        var probePath = Path.Combine(folder, probe);
        await OneInstallAtATime.WaitAsync();
        try
        {
            if (!File.Exists(probePath))
                await InstallAsync(folder, probePath);
        }
        finally
        {
            OneInstallAtATime.Release();
        }
    }

    private static async Task InstallAsync(string folder, string probePath)
    {
        var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = folder,
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
                $"These tests need npm to install the packages pinned in {folder}. " +
                "Install Node.js and npm, e.g. `apt-get install -y nodejs npm` (.ci/run does).", e);
        }

        using (npm)
        using (var limit = new CancellationTokenSource(InstallLimit))
        {
            var output = npm.StandardOutput.ReadToEndAsync(limit.Token);
            var errors = npm.StandardError.ReadToEndAsync(limit.Token);
            await npm.WaitForExitAsync(limit.Token);
            if (npm.ExitCode != 0 || !File.Exists(probePath))
            {
                throw new InvalidOperationException(
                    $"`npm ci` in {folder} failed (exit code {npm.ExitCode}), so its packages are not installed:\n{await output}\n{await errors}");
            }
        }
    }
}
