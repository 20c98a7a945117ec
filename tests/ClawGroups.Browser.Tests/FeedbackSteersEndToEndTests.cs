using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// Feedback steers (decision 0024), in Chromium against the real app with simulated agents: a person hands an item back
/// with "Front-end please" and the front-end agent gets it; a person rejects a result and the next offer goes to another
/// member. The observed bug sent both straight back to the same wrong agent.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FeedbackSteersEndToEndTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string UsageReport = "Fix the usage report";
    private const string InvoiceExport = "Add an endpoint to export invoices";

    private readonly List<SimulatedAgent> _agents = [];
    private ClawAppFactory _app = null!;

    // Nothing is held for a person: the test is about where the coordinator itself sends the next offer.
    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
    });

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Handed_back_with_front_end_please_goes_to_the_front_end_agent_and_a_rejection_to_another_member()
    {
        var shots = new Screenshots(nameof(Handed_back_with_front_end_please_goes_to_the_front_end_agent_and_a_rejection_to_another_member), output, _app.Log);
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var ada = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);

        await shots.RunAsync(async () =>
        {
            await ada.SignUpAsync("Ada Lovelace", "ada@example.com", "Correct horse 42");
            await ada.CreateGroupAsync("Steering crew");
            var token = await ada.CreateJoinTokenAsync(agents: 4);

            // The report first goes to the wrong agent, the only member yet, as in the observed bug; the others join after.
            await StartAgentAsync(token, "atlas", SkillProfiles.Backend, AgentBehaviour.Slow(TimeSpan.FromSeconds(1)));
            await ada.Page.GetByTestId("tab-board").ClickAsync();
            await ada.CreateWorkItemAsync(UsageReport, "");
            await ada.OpenAsync(UsageReport);
            await Expect(ada.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("atlas", WorkspacePage.SoonText);
            await StartAgentAsync(token, "bolt", SkillProfiles.Backend, AgentBehaviour.Diligent);
            await StartAgentAsync(token, "sage", SkillProfiles.Data, AgentBehaviour.Diligent);
            await StartAgentAsync(token, "pixel", SkillProfiles.Frontend, AgentBehaviour.Diligent);

            // Ada takes it over and hands it back saying what it needs: the front-end agent gets it.
            await ada.ActAsync("takeover");
            await Expect(ada.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("Ada Lovelace", WorkspacePage.SoonText);
            await ada.Page.GetByTestId("action-handback").ClickAsync();
            await Expect(ada.Page.Locator(".mud-dialog")).ToContainTextAsync("For whom, or what is missing? (optional)");
            await ada.Page.GetByTestId("prompt-text").FillAsync("Front-end please");
            await shots.TakeAsync(ada.Page, "hand-back-for-whom");
            await ada.Page.GetByTestId("prompt-confirm").ClickAsync();
            await Expect(ada.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("pixel", WorkspacePage.SoonText);
            await ada.CloseDrawerAsync();

            // An export only the back-end agents can take: rejected, it goes to the other one.
            await ada.CreateWorkItemAsync(InvoiceExport, "api");
            await Expect(ada.CardIn("inReview", InvoiceExport)).ToBeVisibleAsync(WorkspacePage.Soon);
            await ada.OpenAsync(InvoiceExport);
            var author = (await ada.Page.GetByTestId("drawer-assignee").TextContentAsync())?.Trim();
            Assert.Contains(author, new[] { "atlas", "bolt" });
            await ada.Page.GetByTestId("action-reject").ClickAsync();
            await Expect(ada.Page.GetByTestId("prompt-same-member")).ToBeVisibleAsync();
            await ada.Page.GetByTestId("prompt-text").FillAsync("It must page through the invoices");
            await shots.TakeAsync(ada.Page, "reject-for-whom");
            await ada.Page.GetByTestId("prompt-confirm").ClickAsync();
            await Expect(ada.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync(author == "atlas" ? "bolt" : "atlas", WorkspacePage.SoonText);
            await shots.TakeAsync(ada.Page, "rejected-went-to-another");
        }, ada.Page);
    }

    private async Task StartAgentAsync(string token, string name, AgentCard profile, AgentBehaviour behaviour)
    {
        var agent = await SimulatedAgent.StartAsync(new SimulatedAgentOptions
        {
            ServerUrl = _app.BaseAddress,
            JoinToken = token,
            Name = name,
            Profile = profile,
            Delivery = AgentDelivery.Pull,
            Behaviour = behaviour,
            Timings = AgentTimings.Fast with { ProgressInterval = TimeSpan.FromSeconds(1), ProgressReports = 4, HeartbeatInterval = TimeSpan.FromSeconds(1) },
        });
        _agents.Add(agent);
    }
}
