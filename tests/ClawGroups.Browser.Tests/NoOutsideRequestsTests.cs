using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// The app works offline and behind a firewall, and tells no third party who uses it: no page, the API reference included,
/// loads a font, a script or anything else from another host.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NoOutsideRequestsTests(BrowserFixture browser) : EmbeddedAppTests(browser)
{
    [Fact]
    public async Task No_page_requests_anything_from_another_host()
    {
        await using var context = await Chromium.NewContextAsync();
        var requested = new List<string>();
        context.Request += (_, request) => Record(requested, request.Url);
        var page = await context.NewPageAsync();
        page.WebSocket += (_, socket) => Record(requested, socket.Url);
        var person = new WorkspacePage(page, App.BaseAddress);
        var shots = new Screenshots(nameof(No_page_requests_anything_from_another_host));

        await shots.RunAsync(async () =>
        {
            await VisitAsync(page, "/account/signin");
            await person.SignUpAsync("Ada Lovelace", "ada@example.com", "Correct horse 42");
            var groupId = await person.CreateGroupAsync("Offline crew");
            await person.CreateWorkItemAsync("Check the backups", "ops");
            await person.OpenAsync("Check the backups");
            await person.CloseDrawerAsync();
            await person.CreateJoinTokenAsync(agents: 2);
            foreach (var path in new[]
                     {
                         $"/groups/{groupId}/roster", $"/groups/{groupId}/dashboard", $"/groups/{groupId}/settings", "/", "/account/tokens",
                         "/account/accessdenied", "/no-such-page", "/hangfire", "/openapi/v1.json", "/scalar/v1",
                     })
            {
                await VisitAsync(page, path);
            }

            // The reference page draws itself from its script: wait until it shows the API before counting its requests.
            await Expect(page.GetByText("Claw Groups API").First).ToBeVisibleAsync(WorkspacePage.Soon);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }, page);

        var own = App.BaseAddress.Authority;
        List<string> outside;
        lock (requested)
        {
            Assert.NotEmpty(requested);
            outside = requested.Where(url => new Uri(url).Authority != own).Distinct().ToList();
        }

        Assert.True(outside.Count == 0, $"Requests to hosts other than {own}: " + string.Join(", ", outside));
    }

    private async Task VisitAsync(IPage page, string path)
    {
        await page.GotoAsync(Url(path));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Network requests only: data: and blob: URLs never leave the browser.</summary>
    private static void Record(List<string> requested, string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ws" or "wss")
        {
            lock (requested)
            {
                requested.Add(url);
            }
        }
    }
}
