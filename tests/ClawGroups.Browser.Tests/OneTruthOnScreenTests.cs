using System.Text.RegularExpressions;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// The board tells one truth, in Chromium against the real app: a card shows its current holder's progress only, and a
/// silent agent's card and roster entry warn after two missed heartbeats (expected every second here), without a reload —
/// long before the heartbeat timeout (a minute here) would stall it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OneTruthOnScreenTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "Correct horse 42";
    private readonly List<SimulatedAgent> _agents = [];
    private readonly List<IBrowserContext> _contexts = [];
    private ClawAppFactory _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
        {
            ["ClawGroups:Coordinator:HeartbeatIntervalSeconds"] = "1",
            ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "60",
            ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
        });
        _http = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_new_holders_card_shows_none_of_the_previous_holders_progress()
    {
        const string Title = "Render the invoice PDF";
        var (person, groupId) = await OpenBoardAsync();
        // The instance owner (the bootstrap token) acts in any group: the test drives agents and moves through the API.
        var owner = new ClawApiClient(_http, ClawAppFactory.BootstrapToken);
        var (forgeId, forge) = await RegisterAsync(owner, groupId, "forge");
        var item = await owner.CreateWorkItemAsync(groupId.ToString(), new CreateWorkItem(Title));
        await Eventually.ReachAsync(() => owner.GetWorkItemAsync(item.Id), w => w.Assignee?.Id == forgeId, "the offer to forge");
        await forge.AcceptAsync(item.Id);
        await forge.ReportProgressAsync(item.Id, new ProgressReport(1, "forge: step 4/4"));
        await Expect(person.Card(Title).GetByTestId("card-progress-message")).ToHaveTextAsync("forge: step 4/4", WorkspacePage.SoonText);
        var (pixelId, _) = await RegisterAsync(owner, groupId, "pixel");

        await owner.ReassignAsync(item.Id, pixelId);

        await Expect(person.Card(Title)).ToContainTextAsync("pixel", new() { Timeout = 30_000 });
        await Expect(person.Card(Title).GetByTestId("card-progress-message")).ToHaveCountAsync(0);
        await Expect(person.Card(Title).GetByTestId("card-progress")).ToHaveCountAsync(0);
        await person.OpenAsync(Title);
        await Expect(person.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("pixel");
        await Expect(person.Page.GetByTestId("drawer-progress")).ToHaveCountAsync(0);
        // The earlier attempt's report stays in the log.
        await Expect(person.Page.GetByTestId("drawer-log")).ToContainTextAsync("forge: step 4/4");
    }

    [Fact]
    public async Task A_silent_agents_card_and_roster_entry_warn_after_two_missed_heartbeats_without_a_reload()
    {
        const string Title = "Compact the event store";
        var (person, groupId) = await OpenBoardAsync();
        var roster = new WorkspacePage(await person.Page.Context.NewPageAsync(), _app.BaseAddress);
        await roster.Page.GotoAsync(new Uri(_app.BaseAddress, $"groups/{groupId}/roster").ToString());
        await roster.WaitForCircuitAsync();
        var owner = new ClawApiClient(_http, ClawAppFactory.BootstrapToken);
        var joinToken = await owner.CreateJoinTokenAsync(groupId.ToString());
        // Beats five times a second until it accepts an item, then goes quiet.
        var ghost = await SimulatedAgent.StartAsync(new SimulatedAgentOptions
        {
            ServerUrl = _app.BaseAddress, JoinToken = joinToken.Token, Name = "ghost", Profile = SkillProfiles.Backend,
            Delivery = AgentDelivery.Pull, Behaviour = AgentBehaviour.Silent, Timings = AgentTimings.Fast,
        });
        _agents.Add(ghost);
        var ghostEntry = roster.Page.GetByTestId("roster-member").Filter(new() { HasText = "ghost" });
        await Expect(ghostEntry).ToBeVisibleAsync(WorkspacePage.Soon);
        // Beating for more than two intervals: no warning while it beats.
        await ghost.WaitUntilAsync(a => a.Observed.Heartbeats >= 15, TimeSpan.FromSeconds(30));
        await Expect(ghostEntry.GetByTestId("heartbeat-warning")).ToHaveCountAsync(0);

        await owner.CreateWorkItemAsync(groupId.ToString(), new CreateWorkItem(Title));
        await ghost.WaitUntilAsync(a => a.IsSilent, TimeSpan.FromSeconds(30));

        await Expect(person.CardIn("inProgress", Title).GetByTestId("heartbeat-warning")).ToBeVisibleAsync(WorkspacePage.Soon);
        await Expect(ghostEntry.GetByTestId("heartbeat-warning")).ToBeVisibleAsync(WorkspacePage.Soon);
        // A warning, not a stall: the agent is still present as far as the coordinator goes.
        await Expect(ghostEntry.GetByTestId("member-status")).ToHaveTextAsync(new Regex("^(online|busy)$"));
    }

    /// <summary>A person signs up, creates a group and stays on its board.</summary>
    private async Task<(WorkspacePage Person, Guid GroupId)> OpenBoardAsync()
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        _contexts.Add(context);
        var person = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);
        await person.SignUpAsync("Ada Lovelace", "ada@example.com", Password);
        return (person, await person.CreateGroupAsync("Truth crew"));
    }

    /// <summary>A pull agent that heartbeats once and is then driven by the test's own calls.</summary>
    private static async Task<(string AgentId, ClawApiClient Client)> RegisterAsync(ClawApiClient owner, Guid groupId, string name)
    {
        var joinToken = await owner.CreateJoinTokenAsync(groupId.ToString());
        var registration = await owner.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend with { Name = name, Delivery = AgentDelivery.Pull });
        var client = owner.WithToken(registration.ApiKey);
        await client.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        return (registration.AgentId, client);
    }
}
