using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// A newcomer's first minutes on the embedded default: signing up, following an invite link, being refused somewhere,
/// the first work item, and the board on a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstRunTests(BrowserFixture browser) : EmbeddedAppTests(browser)
{
    private const string Password = "Correct horse 42";

    [Fact]
    public async Task Sign_up_shows_the_password_rules_before_the_first_try_and_keeps_what_was_typed_when_refused()
    {
        await using var context = await Chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/account/signup"));

        await Expect(page.GetByTestId("password-hint")).ToContainTextAsync("At least 10 characters, with a capital letter, a small letter and a digit");
        await Expect(page.GetByTestId("account-error")).ToHaveCountAsync(0);

        await page.FillAsync("#displayName", "Ada Lovelace");
        await page.FillAsync("#email", "ada@example.com");
        await page.FillAsync("#password", "no capitals 42");
        await page.FillAsync("#confirmPassword", "no capitals 42");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();

        await Expect(page.GetByTestId("account-error")).ToContainTextAsync("uppercase");
        await Expect(page.Locator("#displayName")).ToHaveValueAsync("Ada Lovelace");
        await Expect(page.Locator("#email")).ToHaveValueAsync("ada@example.com");
        await Expect(page.Locator("#password")).ToHaveValueAsync("no capitals 42");
        await Expect(page.Locator("#confirmPassword")).ToHaveValueAsync("no capitals 42");
        await Expect(page.GetByTestId("password-hint")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_new_work_item_dialog_shows_no_error_until_the_title_is_touched()
    {
        await using var context = await Chromium.NewContextAsync();
        var person = new WorkspacePage(await context.NewPageAsync(), App.BaseAddress);
        await person.SignUpAsync("Ada Lovelace", "ada@example.com", Password);
        await person.CreateGroupAsync("Engine room");

        await person.Page.GetByTestId("new-work-item").First.ClickAsync();
        var dialog = person.Page.Locator(".mud-dialog");
        await Expect(person.Page.GetByTestId("new-item-title")).ToBeVisibleAsync();
        // Moving on to another field is not a reason to shout about the title.
        await person.Page.GetByTestId("new-item-skills").FillAsync("writing");

        await Expect(dialog.Locator(".mud-input-error")).ToHaveCountAsync(0);
        await Expect(dialog.GetByText("Required", new() { Exact = true })).ToHaveCountAsync(0);

        // Typed and cleared again: now it says what is missing.
        await person.Page.GetByTestId("new-item-title").FillAsync("x");
        await person.Page.GetByTestId("new-item-title").FillAsync("");
        await Expect(dialog.GetByText("A work item needs a title.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_invite_link_opened_signed_out_names_the_group_and_signing_up_or_in_lands_on_it()
    {
        await using var ownerContext = await Chromium.NewContextAsync();
        await using var newcomerContext = await Chromium.NewContextAsync();
        await using var returningContext = await Chromium.NewContextAsync();
        var owner = new WorkspacePage(await ownerContext.NewPageAsync(), App.BaseAddress);
        var newcomer = await newcomerContext.NewPageAsync();
        var returning = new WorkspacePage(await returningContext.NewPageAsync(), App.BaseAddress);
        var shots = new Screenshots(nameof(An_invite_link_opened_signed_out_names_the_group_and_signing_up_or_in_lands_on_it));
        await shots.RunAsync(async () =>
        {
            await owner.SignUpAsync("Ada Lovelace", "ada@example.com", Password);
            var groupId = await owner.CreateGroupAsync("Analytical engine");
            // Someone with an account already, who signs out before following the link.
            await returning.SignUpAsync("Charles Babbage", "charles@example.com", Password);
            await returningContext.ClearCookiesAsync();
            var invite = await owner.CreateInviteLinkAsync();

            // Signed out, the link asks to sign in and says which group that joins; creating an account joins it.
            await newcomer.GotoAsync(invite);
            await newcomer.WaitForURLAsync("**/account/signin?returnUrl=*");
            await Expect(newcomer.GetByTestId("invite-notice-group")).ToHaveTextAsync("Analytical engine");
            await shots.TakeAsync(newcomer, "invite-sign-in");
            await newcomer.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
            await Expect(newcomer.GetByTestId("invite-notice-group")).ToHaveTextAsync("Analytical engine");
            await newcomer.FillAsync("#displayName", "Grace Hopper");
            await newcomer.FillAsync("#email", "grace@example.com");
            await newcomer.FillAsync("#password", Password);
            await newcomer.FillAsync("#confirmPassword", Password);
            await newcomer.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
            await newcomer.WaitForURLAsync($"**/groups/{groupId}");
            await Expect(newcomer.GetByTestId("group-name")).ToHaveTextAsync("Analytical engine", WorkspacePage.SoonText);

            // Signing in through the same link joins too.
            await returning.Page.GotoAsync(invite);
            await Expect(returning.Page.GetByTestId("invite-notice-group")).ToHaveTextAsync("Analytical engine");
            await returning.Page.FillAsync("#email", "charles@example.com");
            await returning.Page.FillAsync("#password", Password);
            await returning.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await returning.Page.WaitForURLAsync($"**/groups/{groupId}");
            await Expect(returning.Page.GetByTestId("group-name")).ToHaveTextAsync("Analytical engine", WorkspacePage.SoonText);
        }, owner.Page, newcomer, returning.Page);
    }

    [Fact]
    public async Task A_signed_in_person_refused_a_page_gets_a_page_that_says_so()
    {
        await using var ownerContext = await Chromium.NewContextAsync();
        await using var memberContext = await Chromium.NewContextAsync();
        var owner = new WorkspacePage(await ownerContext.NewPageAsync(), App.BaseAddress);
        var member = new WorkspacePage(await memberContext.NewPageAsync(), App.BaseAddress);
        await owner.SignUpAsync("Ada Lovelace", "ada@example.com", Password);
        await member.SignUpAsync("Grace Hopper", "grace@example.com", Password);

        // The job dashboard is the instance owner's (the first account's) only.
        var response = await member.Page.GotoAsync(Url("/hangfire"));

        await member.Page.WaitForURLAsync("**/account/accessdenied?returnUrl=%2Fhangfire");
        Assert.Equal(403, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        await Expect(member.Page.GetByRole(AriaRole.Heading, new() { Name = "You may not open this page" })).ToBeVisibleAsync();
        await Expect(member.Page.GetByTestId("access-denied")).ToContainTextAsync("Grace Hopper");
        await Expect(member.Page.GetByTestId("access-denied-path")).ToHaveTextAsync("/hangfire");

        // ASP.NET Core's own spelling of the path is the same page, not a 404.
        var direct = await member.Page.GotoAsync(Url("/Account/AccessDenied"));
        Assert.Equal(403, direct!.Status);
        await Expect(member.Page.GetByRole(AriaRole.Heading, new() { Name = "You may not open this page" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_phone_the_board_opens_on_the_first_column_with_work()
    {
        await using var context = await Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true });
        var person = new WorkspacePage(await context.NewPageAsync(), App.BaseAddress);
        var shots = new Screenshots(nameof(On_a_phone_the_board_opens_on_the_first_column_with_work));
        await shots.RunAsync(async () =>
        {
            await person.SignUpAsync("Linus Pauling", "linus@example.com", Password);
            await person.CreateGroupAsync("Pocket crew");
            await person.CreateWorkItemAsync("Fix the checkout button", "react");
            await person.OpenAsync("Fix the checkout button");
            await person.ActAsync("takeover");
            await Expect(person.CardIn("inProgress", "Fix the checkout button")).ToBeAttachedAsync(new() { Timeout = 30_000 });
            await person.CloseDrawerAsync();

            // Ready and Assigned are empty now: opening the board again shows In progress, not them.
            await person.Page.ReloadAsync();
            await person.WaitForCircuitAsync();

            await Expect(person.CardIn("inProgress", "Fix the checkout button")).ToBeInViewportAsync(new() { Ratio = 0.5f, Timeout = 10_000 });
            var ready = await person.Column("ready").BoundingBoxAsync();
            Assert.True(ready!.X + ready.Width <= 1, $"the empty Ready column is still on screen (x {ready.X}, width {ready.Width})");
            await shots.TakeAsync(person.Page, "opened-on-work");
        }, person.Page);
    }

    [Fact]
    public async Task Add_an_agent_starts_from_an_editable_preset_admits_a_few_agents_and_offers_the_simulator()
    {
        await using var context = await Chromium.NewContextAsync();
        var person = new WorkspacePage(await context.NewPageAsync(), App.BaseAddress);
        var page = person.Page;
        var shots = new Screenshots(nameof(Add_an_agent_starts_from_an_editable_preset_admits_a_few_agents_and_offers_the_simulator));
        await shots.RunAsync(async () =>
        {
            await person.SignUpAsync("Ada Lovelace", "ada@example.com", Password);
            await person.CreateGroupAsync("Ledger crew");
            await page.GetByTestId("tab-connect").ClickAsync();
            await Expect(page.GetByTestId("token-max-uses")).ToHaveValueAsync("3");
            await page.GetByTestId("create-join-token").ClickAsync();

            await page.GetByTestId("agent-preset").ClickAsync();
            await page.Locator(".mud-popover-open").GetByText("Accounting", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("agent-skills")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"bookkeeping\""));
            await Expect(page.GetByTestId("snippet-register-code")).ToContainTextAsync("\"bookkeeping\"");
            await Expect(page.GetByTestId("snippet-simulator-code")).ToContainTextAsync("--agents 3 --profile accounting");

            // Broken skills say why, and no command is offered that would fail.
            await page.GetByTestId("agent-skills").FillAsync("[ { \"id\": \"close\" } ]");
            await page.GetByTestId("agent-skills").BlurAsync();
            await Expect(page.GetByTestId("skills-problem")).ToContainTextAsync("needs an \"id\" and a \"name\"");
            await Expect(page.GetByTestId("snippet-register")).ToHaveCountAsync(0);

            await page.GetByTestId("agent-skills").FillAsync("[ { \"id\": \"month-end-close\", \"name\": \"Month-end close\" } ]");
            await page.GetByTestId("agent-skills").BlurAsync();
            await Expect(page.GetByTestId("snippet-register-code")).ToContainTextAsync("month-end-close");
            await Expect(page.GetByTestId("skills-problem")).ToHaveCountAsync(0);
            await shots.TakeAsync(page, "edited-preset");
        }, page);
    }
}
