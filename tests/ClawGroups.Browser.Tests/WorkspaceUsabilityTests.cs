using System.Net.Http.Json;
using ClawGroups.Data.Database;
using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// The workspace on the embedded default (SQLite, in-process jobs), as README's first command starts it: protected
/// pages ask to sign in, refusals read as sentences, the board works at phone width, by keyboard, and in dark mode.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkspaceUsabilityTests(BrowserFixture browser) : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(provider: DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_visitor_is_asked_to_sign_in_and_lands_where_they_were_going()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(_app.BaseAddress, "/account/tokens").ToString());

        await page.WaitForURLAsync("**/account/signin?returnUrl=%2Faccount%2Ftokens");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_board_is_usable_on_a_phone_by_keyboard_and_in_dark_mode_and_refusals_read_as_sentences()
    {
        var shots = new Screenshots(nameof(The_board_is_usable_on_a_phone_by_keyboard_and_in_dark_mode_and_refusals_read_as_sentences));
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true });
        var person = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);
        await shots.RunAsync(async () =>
        {
            await person.SignUpAsync("Linus Pauling", "linus@example.com", "Correct horse 42");
            await person.CreateGroupAsync("Phone crew");

            // A work item without a title is refused in words, and what was typed stays in the dialog.
            await person.Page.GetByTestId("new-work-item").First.ClickAsync();
            await person.Page.GetByTestId("new-item-skills").FillAsync("writing");
            await person.Page.GetByTestId("new-item-create").ClickAsync();
            await Expect(person.Page.GetByTestId("new-item-error")).ToContainTextAsync("title");
            await Expect(person.Page.GetByTestId("new-item-skills")).ToHaveValueAsync("writing");
            await shots.TakeAsync(person.Page, "refused-in-words");
            await person.Page.GetByTestId("new-item-title").FillAsync("Write the release notes");
            await person.Page.GetByTestId("new-item-create").ClickAsync();
            await Expect(person.Card("Write the release notes")).ToBeVisibleAsync(WorkspacePage.Soon);

            // The page itself never scrolls sideways on a phone; only the board's columns do.
            var overflow = await person.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone");
            await shots.TakeAsync(person.Page, "phone-board");

            // A card opens from the keyboard.
            await person.Card("Write the release notes").FocusAsync();
            await person.Page.Keyboard.PressAsync("Enter");
            await Expect(person.Page.GetByTestId("drawer-title")).ToHaveTextAsync("Write the release notes");
            await shots.TakeAsync(person.Page, "phone-drawer");
            await person.CloseDrawerAsync();

            // Dark mode changes the page's colours.
            var light = await BackgroundAsync(person.Page);
            var themeSwitch = person.Page.GetByLabel("Toggle dark mode");
            await Expect(themeSwitch).ToHaveAttributeAsync("title", "Dark mode");
            await themeSwitch.ClickAsync();
            await Expect(person.Page.Locator("body")).Not.ToHaveCSSAsync("background-color", light);
            await Expect(themeSwitch).ToHaveAttributeAsync("title", "Light mode");
            await shots.TakeAsync(person.Page, "phone-dark");
        }, person.Page);
    }

    [Fact]
    public async Task A_card_dragged_to_in_progress_is_taken_over_and_dragged_back_to_ready_is_handed_back()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var person = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);
        await person.SignUpAsync("Barbara Liskov", "barbara@example.com", "Correct horse 42");
        await person.CreateGroupAsync("Drag crew");
        await person.CreateWorkItemAsync("Sort the backlog", "");
        await Expect(person.CardIn("ready", "Sort the backlog")).ToBeVisibleAsync(WorkspacePage.Soon);

        await person.DragAsync(person.CardIn("ready", "Sort the backlog"), "inProgress");
        await Expect(person.CardIn("inProgress", "Sort the backlog")).ToContainTextAsync("Barbara Liskov", new() { Timeout = 30_000 });

        await person.DragAsync(person.CardIn("inProgress", "Sort the backlog"), "ready");
        await Expect(person.CardIn("ready", "Sort the backlog")).ToContainTextAsync("Unassigned", new() { Timeout = 30_000 });
        await Expect(person.Column("inProgress").GetByTestId("work-item-card")).ToHaveCountAsync(0);
        // Once let go, no card stays faded as if it were still being dragged.
        await Expect(person.Page.Locator(".board-card-dragging")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_assignee_and_skill_filters_offer_what_is_typed_and_narrow_the_board()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var person = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);
        await person.SignUpAsync("Grace Hopper", "grace@example.com", "Correct horse 42");
        await person.CreateGroupAsync("Filter crew");
        await person.CreateWorkItemAsync("Tune the index", "sql");
        await person.CreateWorkItemAsync("Write the release notes", "writing");
        await Expect(person.Card("Write the release notes")).ToBeVisibleAsync(WorkspacePage.Soon);
        await Expect(person.Column("ready").GetByTestId("column-count")).ToHaveTextAsync("2");

        // The filters open from a button, which says how many narrow the board.
        var toggle = person.Page.GetByTestId("board-filters-toggle");
        await Expect(person.Page.GetByLabel("Skill", new() { Exact = true })).ToHaveCountAsync(0);
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");

        await PickAsync(person.Page, "Skill", "SQ", "sql");
        await Expect(person.Card("Write the release notes")).ToHaveCountAsync(0);
        await Expect(person.Card("Tune the index")).ToBeVisibleAsync();
        await Expect(person.Column("ready").GetByTestId("column-count")).ToHaveTextAsync("1");
        await Expect(toggle).ToHaveTextAsync("1 filter");

        // Members are found by name (nobody holds these items, so narrowing to Grace leaves none)…
        await PickAsync(person.Page, "Assignee", "grace", "Grace Hopper (human)");
        await Expect(person.Page.GetByTestId("work-item-card")).ToHaveCountAsync(0);

        // …and "Unassigned" is one of the choices.
        await PickAsync(person.Page, "Assignee", "unass", "Unassigned");
        await Expect(person.Card("Tune the index")).ToBeVisibleAsync();
        await Expect(person.Card("Write the release notes")).ToHaveCountAsync(0);

        // Closed, the filters still narrow the board; "Clear filters" shows it all again.
        await toggle.ClickAsync();
        await Expect(person.Page.GetByLabel("Skill", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(toggle).ToHaveTextAsync("2 filters");
        await Expect(person.Card("Write the release notes")).ToHaveCountAsync(0);
        await person.Page.GetByTestId("board-filters-clear").ClickAsync();
        await Expect(person.Card("Write the release notes")).ToBeVisibleAsync();
        await Expect(toggle).ToHaveTextAsync("Filter");
        // The button that cleared them is gone; the keyboard's focus is on the filters' button, not lost to the page.
        await Expect(toggle).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_lost_connection_shows_a_banner_and_the_board_resumes_live_without_a_reload()
    {
        var shots = new Screenshots(nameof(A_lost_connection_shows_a_banner_and_the_board_resumes_live_without_a_reload));
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var person = new WorkspacePage(page, _app.BaseAddress);
        var network = new FlakyNetwork();
        await page.RouteWebSocketAsync(url => url.Contains("/_blazor", StringComparison.Ordinal), network.Route);
        await shots.RunAsync(async () =>
        {
            await person.SignUpAsync("Rosalind Franklin", "rosalind@example.com", "Correct horse 42");
            var groupId = await person.CreateGroupAsync("Night shift");
            await page.EvaluateAsync("() => window.stillTheSamePage = true");

            await network.GoDownAsync();
            await Expect(page.GetByTestId("reconnect-banner")).ToBeVisibleAsync(WorkspacePage.Soon);
            await shots.TakeAsync(page, "connection-lost");
            network.ComeBack();
            await Expect(page.GetByTestId("reconnect-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });

            // A change made elsewhere after the outage still arrives, on the same page.
            using var owner = _app.OwnerHttpClient();
            var created = await owner.PostAsync(new Uri($"/api/v1/groups/{groupId}/work-items", UriKind.Relative),
                JsonContent.Create(new { title = "Check the backups" }));
            created.EnsureSuccessStatusCode();
            await Expect(person.Card("Check the backups")).ToBeVisibleAsync(WorkspacePage.Soon);
            Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the page was reloaded");
        }, page);
    }

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    /// <summary>Stands between the page and the server's circuit WebSocket, so a test can cut the connection and restore it.</summary>
    private sealed class FlakyNetwork
    {
        private readonly List<IWebSocketRoute> _open = [];
        private volatile bool _down;

        public void Route(IWebSocketRoute socket)
        {
            if (_down)
            {
                // Reconnect attempts fail while the network is down.
                _ = socket.CloseAsync();
                return;
            }

            socket.ConnectToServer();
            lock (_open)
            {
                _open.Add(socket);
            }
        }

        public async Task GoDownAsync()
        {
            _down = true;
            List<IWebSocketRoute> open;
            lock (_open)
            {
                open = [.. _open];
                _open.Clear();
            }

            foreach (var socket in open)
            {
                await socket.CloseAsync();
            }
        }

        public void ComeBack() => _down = false;
    }

    /// <summary>Types into a filter and picks one of the choices it then offers.</summary>
    private static async Task PickAsync(IPage page, string label, string typed, string choice)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        await input.ClickAsync();
        await input.FillAsync(typed);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new($"^{System.Text.RegularExpressions.Regex.Escape(choice)}$") }).ClickAsync();
    }
}
