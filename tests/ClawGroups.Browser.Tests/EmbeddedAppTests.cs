using ClawGroups.Data.Database;
using ClawGroups.Web.Tests;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// Browser tests against a fresh app per test on the embedded default (SQLite, in-process jobs) on loopback, as README's
/// first command starts it, driven by the run's one Chromium.
/// </summary>
/// <remarks>Subclasses name <see cref="BrowserCollection"/> themselves: xUnit does not inherit the attribute.</remarks>
public abstract class EmbeddedAppTests(BrowserFixture browser) : IAsyncLifetime
{
    protected Microsoft.Playwright.IBrowser Chromium => browser.Browser;

    protected ClawAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await ClawAppFactory.StartOnLoopbackAsync(provider: DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>The absolute URL of a path of the app.</summary>
    protected string Url(string path) => new Uri(App.BaseAddress, path).ToString();
}
