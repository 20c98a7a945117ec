using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>What a person does in the workspace, in the browser, by the labels and test ids the pages show.</summary>
public sealed partial class WorkspacePage(IPage page, Uri baseAddress)
{
    /// <summary>Live changes must show within a second; the slack covers agents' own pauses and a loaded CI machine.</summary>
    public static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 30_000 };

    /// <inheritdoc cref="Soon"/>
    public static readonly LocatorAssertionsToHaveTextOptions SoonText = new() { Timeout = 30_000 };

    public IPage Page { get; } = page;

    public async Task SignUpAsync(string name, string email, string password, string? returnUrl = null)
    {
        await Page.GotoAsync(new Uri(baseAddress, returnUrl is null ? "account/signup" : $"account/signup?returnUrl={Uri.EscapeDataString(returnUrl)}").ToString());
        await Page.FillAsync("#displayName", name);
        await Page.FillAsync("#email", email);
        await Page.FillAsync("#password", password);
        await Page.FillAsync("#confirmPassword", password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/account/signup", StringComparison.Ordinal));
        await WaitForCircuitAsync();
    }

    public async Task<Guid> CreateGroupAsync(string name)
    {
        await Page.GetByTestId("create-group").ClickAsync();
        await Page.GetByTestId("group-name-input").FillAsync(name);
        await Page.GetByTestId("group-create").ClickAsync();
        // Only the address is waited for here: the page's load event waits for everything the first board pulls in, which a
        // freshly started server on a machine running the other test projects too served after 30 s once (CI, 17:45). The
        // circuit moves to the group within the page (history.pushState), so the address is polled, not awaited as a
        // navigation event: a CI run once showed the group's board while WaitForURL waited out its 60 s.
        await Expect(Page).ToHaveURLAsync(GroupUrl(), new() { Timeout = 60_000 });
        // The first board a freshly started server renders is cold (JIT, first queries): seconds on a busy machine.
        await Expect(Page.GetByTestId("group-name")).ToHaveTextAsync(name, SoonText);
        return Guid.Parse(GroupUrl().Match(Page.Url).Groups["id"].Value);
    }

    /// <summary>Follows the "Add an agent" page up to the snippet and returns the join token it shows.</summary>
    public async Task<string> CreateJoinTokenAsync(int agents)
    {
        await Page.GetByTestId("tab-connect").ClickAsync();
        await Page.GetByTestId("token-max-uses").FillAsync(agents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.GetByTestId("token-max-uses").PressAsync("Tab");
        await Page.GetByTestId("create-join-token").ClickAsync();
        var snippet = await Page.GetByTestId("snippet-register-code").TextContentAsync();
        return JoinToken().Match(snippet ?? "").Value is { Length: > 0 } token
            ? token
            : throw new InvalidOperationException($"The register snippet shows no join token: {snippet}");
    }

    /// <summary>The owner creates an invite link on the group's settings page, as README's first steps say.</summary>
    public async Task<string> CreateInviteLinkAsync()
    {
        await Page.GetByTestId("tab-settings").ClickAsync();
        await Page.GetByTestId("invite-human").ClickAsync();
        return await Page.GetByTestId("invite-link").EvaluateAsync<string>("el => el.value ?? el.querySelector('input').value");
    }

    public async Task CreateWorkItemAsync(string title, string skills)
    {
        await Page.GetByTestId("new-work-item").First.ClickAsync();
        await Page.GetByTestId("new-item-title").FillAsync(title);
        await Page.GetByTestId("new-item-skills").FillAsync(skills);
        await Page.GetByTestId("new-item-create").ClickAsync();
        await Expect(Card(title)).ToBeVisibleAsync(Soon);
    }

    public ILocator Column(string key) => Page.GetByTestId($"column-{key}");

    public ILocator Card(string title) => Page.GetByTestId("work-item-card").Filter(new() { HasText = title });

    public ILocator CardIn(string column, string title) => Column(column).GetByTestId("work-item-card").Filter(new() { HasText = title });

    public async Task OpenAsync(string title)
    {
        // A card that a live update renders again as it is clicked can lose the click (seen once in CI on a loaded machine, the
        // drawer never opening): click again, up to three times, until the drawer shows the item.
        var drawerTitle = Page.GetByTestId("drawer-title");
        for (var attempt = 1; ; attempt++)
        {
            await Card(title).ClickAsync();
            try
            {
                await Expect(drawerTitle).ToHaveTextAsync(title);
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    public async Task ActAsync(string action, string? promptText = null)
    {
        await Page.GetByTestId($"action-{action}").ClickAsync();
        if (promptText is not null)
        {
            await Page.GetByTestId("prompt-text").FillAsync(promptText);
            await Page.GetByTestId("prompt-confirm").ClickAsync();
        }
    }

    /// <summary>Drags a card onto a column's drop zone, as a person does with the mouse.</summary>
    public async Task DragAsync(ILocator card, string column)
    {
        ArgumentNullException.ThrowIfNull(card);
        await card.DragToAsync(Column(column).Locator(".mud-drop-zone"));
    }

    public async Task CloseDrawerAsync()
    {
        await Page.GetByTestId("drawer-close").ClickAsync();
        await Expect(Page.GetByTestId("work-item-drawer")).ToBeHiddenAsync();
    }

    /// <summary>Interactive pages answer clicks only once their circuit is up; Blazor marks that on the page.</summary>
    public async Task WaitForCircuitAsync()
        => await Page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    [GeneratedRegex(@"/groups/(?<id>[0-9a-f-]{36})$")]
    private static partial Regex GroupUrl();

    [GeneratedRegex(@"cg_join_[A-Za-z0-9_\-]+")]
    private static partial Regex JoinToken();
}
