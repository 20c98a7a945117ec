using ClawGroups.Testing.Node;

namespace ClawGroups.Browser.Tests.Accessibility;

/// <summary>
/// axe-core, the accessibility checker, pinned in this folder's package.json and package-lock.json and installed by the
/// first test run (<see cref="NpmPackages"/>). Nothing else is fetched: the pages are checked by the script read from disk.
/// </summary>
public sealed class AxeFixture : IAsyncLifetime
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Accessibility");

    private const string ScriptInFolder = "node_modules/axe-core/axe.min.js";

    /// <summary>axe.min.js, to inject into a page.</summary>
    public string Script { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await NpmPackages.EnsureInstalledAsync(Folder, ScriptInFolder);
        Script = await File.ReadAllTextAsync(Path.Combine(Folder, ScriptInFolder));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
