using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace ClawGroups.Benchmarks.Circuits;

/// <summary>
/// Real Chromium (Debian's, headless, as the browser tests run it) for the person who watches: signs up through the
/// sign-up form, hands its cookies to the light circuits, and opens a few boards whose DOM it watches. A
/// MutationObserver notes the wall-clock moment (<c>performance.timeOrigin + performance.now()</c>) each new progress
/// message appears on a card, which the benchmark pairs with the moment the agent sent that report.
/// </summary>
internal sealed class BrowserBoards : IAsyncDisposable
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CLAW_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] LaunchArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    // Records each progress message the first time it is in the page. Reading every card's message on each mutation
    // costs a few dozen element reads; a board re-renders at most five times a second.
    private const string ObserverScript = """
        () => {
          window.__seen = [];
          const known = new Set();
          const look = () => {
            const at = performance.timeOrigin + performance.now();
            for (const element of document.querySelectorAll('[data-testid="card-progress-message"]')) {
              const text = element.textContent.trim();
              if (!known.has(text)) { known.add(text); window.__seen.push([text, at]); }
            }
          };
          new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
          look();
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;
    private readonly List<IPage> _boards = [];

    private BrowserBoards(IPlaywright playwright, IBrowser browser, IBrowserContext context)
        => (_playwright, _browser, _context) = (playwright, browser, context);

    public static async Task<BrowserBoards> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}: apt-get install -y chromium.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = LaunchArguments });
        var context = await browser.NewContextAsync();
        return new BrowserBoards(playwright, browser, context);
    }

    /// <summary>Signs a new person up through the form; the first account of an instance owns it and sees every group.</summary>
    public async Task SignUpAsync(Uri app, string name, string email, string password)
    {
        var page = await _context.NewPageAsync();
        page.RequestFailed += (_, request) => Console.Error.WriteLine($"chromium: {request.Url} failed: {request.Failure}");
        page.Console += (_, message) => Console.Error.WriteLine($"chromium console: {message.Text}");
        await page.GotoAsync(new Uri(app, "account/signup").ToString(), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.FillAsync("#displayName", name);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirmPassword", password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("/account/signup", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Signing up did not leave the form; it says: {await page.InnerTextAsync("body")}");
        }
        await page.CloseAsync();
    }

    /// <summary>The person's cookies, for the light circuits to open boards as the same person.</summary>
    public async Task<CookieContainer> CookiesAsync(Uri app)
    {
        var container = new CookieContainer();
        foreach (var cookie in await _context.CookiesAsync([app.AbsoluteUri]))
            container.Add(app, new System.Net.Cookie(cookie.Name, cookie.Value, "/"));
        return container;
    }

    /// <summary>Opens a board and starts noting when progress messages appear; returns once its circuit is up.</summary>
    public async Task OpenBoardAsync(Uri board, string groupName)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(board.ToString(), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        // The layout marks the page once its circuit has rendered (the browser tests wait for the same).
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.title.includes(" + JsonSerializer.Serialize(groupName) + ")");
        await page.EvaluateAsync(ObserverScript);
        _boards.Add(page);
    }

    /// <summary>Progress messages that appeared since the last call, with the wall-clock moment in Unix milliseconds.</summary>
    public async Task<List<(string Text, double SeenAtUnixMs)>> DrainAsync()
    {
        var seen = new List<(string, double)>();
        foreach (var page in _boards)
        {
            var entries = await page.EvaluateAsync<JsonElement>("() => { const s = window.__seen; window.__seen = []; return s; }");
            foreach (var entry in entries.EnumerateArray())
                seen.Add((entry[0].GetString()!, entry[1].GetDouble()));
        }

        return seen;
    }

    public int Boards => _boards.Count;

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
