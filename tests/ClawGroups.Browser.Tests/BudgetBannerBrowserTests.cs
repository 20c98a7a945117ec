using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// The 80 % warning reaches the group's people live (issue 15, decision 0028): in Chromium against the real app, a person
/// sets the monthly budget in the settings, an agent reports usage past 80 % of it over the API, and the board's banner
/// appears with the spend — without the page being reloaded.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BudgetBannerBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ItemTitle = "Add an index to orders";
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_agents_report_past_80_percent_of_the_monthly_budget_shows_the_warning_on_the_open_board()
    {
        var shots = new Screenshots(nameof(An_agents_report_past_80_percent_of_the_monthly_budget_shows_the_warning_on_the_open_board), output, _app.Log);
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var ada = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);
        var page = ada.Page;
        using var http = new HttpClient { BaseAddress = _app.BaseAddress };

        await shots.RunAsync(async () =>
        {
            await ada.SignUpAsync("Ada Lovelace", "ada@example.com", "Correct horse 42");
            await ada.CreateGroupAsync("Night shift");
            var token = await ada.CreateJoinTokenAsync(agents: 1);
            await page.GetByTestId("tab-settings").ClickAsync();
            await page.GetByTestId("settings-budget-budgets.monthlyUsd").FillAsync("10");
            await page.GetByTestId("settings-budget-budgets.monthlyUsd").PressAsync("Tab");
            await page.GetByTestId("save-settings").ClickAsync();
            await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Settings saved." })).ToBeVisibleAsync(WorkspacePage.Soon);

            // An agent the test drives call by call, so that the usage it reports is the test's own.
            var joining = new ClawApiClient(http);
            var registration = await joining.RegisterAgentAsync(token, SkillProfiles.Backend with { Name = "spender", Delivery = AgentDelivery.Pull });
            var agent = joining.WithToken(registration.ApiKey);
            await agent.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
            await page.GetByTestId("tab-board").ClickAsync();
            await ada.CreateWorkItemAsync(ItemTitle, "backend");
            var offered = await agent.PullWorkAsync(registration.AgentId, waitSeconds: 25) ?? throw new InvalidOperationException("Nothing was offered.");
            await agent.AcceptAsync(offered.Id);
            await Expect(page.GetByTestId("budget-banner")).ToHaveCountAsync(0);

            await agent.ReportProgressAsync(offered.Id, new ProgressReport(0.5, "working", new Usage(1000, 500, 8.5m)));

            var banner = page.GetByTestId("budget-banner");
            await Expect(banner).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(banner).ToContainTextAsync("$8.50 of $10.00");
            await Expect(banner).ToContainTextAsync("monthly budget");
        }, page);
    }
}
