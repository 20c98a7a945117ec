using ClawGroups.Web.Tests;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// People as assignees (decision 0029), in Chromium against the real app: a person sets the skills they offer on the roster,
/// the coordinator offers them fitting work while their workspace is open, and they accept it from "Offered to you".
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PeopleAsAssigneesEndToEndTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Screens = "Design the onboarding screens in Figma";

    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_person_with_skills_is_offered_fitting_work_and_accepts_it_in_the_browser()
    {
        var shots = new Screenshots(nameof(A_person_with_skills_is_offered_fitting_work_and_accepts_it_in_the_browser), output, _app.Log);
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var ada = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);

        await shots.RunAsync(async () =>
        {
            await ada.SignUpAsync("Ada Lovelace", "ada@example.com", "Correct horse 42");
            await ada.CreateGroupAsync("Design crew");

            await ada.Page.GetByTestId("tab-roster").ClickAsync();
            await ada.Page.GetByLabel("Offer me work").CheckAsync();
            await ada.Page.GetByLabel("Skills, one per line").FillAsync("Visual design: figma, ui");
            await ada.Page.GetByTestId("profile-save").ClickAsync();
            await Expect(ada.Page.GetByTestId("roster-member").Filter(new() { HasText = "Ada Lovelace" })).ToContainTextAsync("Visual design", new() { Timeout = 30_000 });

            await ada.Page.GetByTestId("tab-board").ClickAsync();
            await ada.CreateWorkItemAsync(Screens, "");
            var offer = ada.Page.GetByTestId("offer").Filter(new() { HasText = Screens });
            await Expect(offer).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(offer).ToContainTextAsync("→ Visual design");
            await Expect(ada.Page.GetByTestId("offered-to-you")).ToContainTextAsync("1");
            await shots.TakeAsync(ada.Page, "offered-to-you");

            await offer.GetByTestId("offer-accept").ClickAsync();

            await Expect(ada.CardIn("inProgress", Screens)).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(ada.Page.GetByTestId("offered-to-you")).ToBeHiddenAsync();
            await ada.OpenAsync(Screens);
            await Expect(ada.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("Ada Lovelace");
        }, ada.Page);
    }
}
