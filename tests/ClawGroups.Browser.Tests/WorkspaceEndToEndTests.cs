using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// The newcomer's path of the README, in Debian's Chromium against the real app (Kestrel, PostgreSQL, Hangfire) with
/// simulated agents registered from the on-screen snippet's token: sign up, create a group, connect two agents,
/// create work, watch it move live, take one item over mid-run, route one the coordinator is unsure of, approve another; a
/// second person sees it all live.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkspaceEndToEndTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "Correct horse 42";
    private const string SettingsPage = "Build the settings page";
    private const string Migration = "Migrate the orders table";
    private const string ReleaseNotes = "Write the release notes for 2.0";

    private readonly List<SimulatedAgent> _agents = [];
    private ClawAppFactory _app = null!;

    // The coordinator asks a person about every item that more than one agent could take: the items the test routes by
    // required skills are unaffected, and one without lets the person route it from the board. The coordinator's passes log
    // each step, for a failure to print.
    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "1",
        ["Logging:LogLevel:ClawGroups.Coordinator"] = "Debug",
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
    public async Task A_newcomer_connects_agents_watches_work_live_takes_one_over_and_approves_another()
    {
        var shots = new Screenshots(nameof(A_newcomer_connects_agents_watches_work_live_takes_one_over_and_approves_another), output, _app.Log);
        await using var ada = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        await using var grace = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var owner = new WorkspacePage(await ada.NewPageAsync(), _app.BaseAddress);
        var colleague = new WorkspacePage(await grace.NewPageAsync(), _app.BaseAddress);

        await shots.RunAsync(async () =>
        {
            // A newcomer signs up and creates a group.
            await owner.SignUpAsync("Ada Lovelace", "ada@example.com", Password);
            await Expect(owner.Page.GetByTestId("no-groups")).ToBeVisibleAsync();
            await shots.TakeAsync(owner.Page, "empty-workspace");
            var groupId = await owner.CreateGroupAsync("Launch crew");
            await Expect(owner.Page.GetByTestId("board-empty")).ToBeVisibleAsync();

            // Two agents register with the token the "Add an agent" page shows, and the page sees them arrive.
            var token = await owner.CreateJoinTokenAsync(agents: 2);
            await StartAgentAsync(token, "pixel", SkillProfiles.Frontend, AgentDelivery.Pull, AgentBehaviour.Diligent);
            var slowpoke = await StartAgentAsync(token, "slowpoke", SkillProfiles.Backend, AgentDelivery.Webhook, AgentBehaviour.Slow(TimeSpan.FromSeconds(4)));
            await Expect(owner.Page.GetByTestId("agent-joined").Filter(new() { HasText = "pixel" })).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(owner.Page.GetByTestId("agent-joined").Filter(new() { HasText = "slowpoke" })).ToBeVisibleAsync(WorkspacePage.Soon);
            await shots.TakeAsync(owner.Page, "agents-connected");

            // A colleague joins through an invite link and opens the same board.
            await owner.Page.GetByTestId("tab-settings").ClickAsync();
            await owner.Page.GetByTestId("invite-human").ClickAsync();
            var invite = await owner.Page.GetByTestId("invite-link").EvaluateAsync<string>("el => el.value ?? el.querySelector('input').value");
            // Signing up through the link joins the group at once.
            await colleague.SignUpAsync("Grace Hopper", "grace@example.com", Password, new Uri(invite).PathAndQuery);
            await colleague.Page.WaitForURLAsync($"**/groups/{groupId}");
            await Expect(colleague.Page.GetByTestId("group-name")).ToHaveTextAsync("Launch crew");

            // Work is created on the owner's board; both boards follow it without a reload.
            await owner.Page.GetByTestId("tab-board").ClickAsync();
            await owner.CreateWorkItemAsync(SettingsPage, "react");
            await owner.CreateWorkItemAsync(Migration, "sql");
            foreach (var person in new[] { owner, colleague })
            {
                await Expect(person.CardIn("inProgress", Migration).GetByTestId("card-progress-message")).ToBeVisibleAsync(WorkspacePage.Soon);
                await Expect(person.CardIn("inReview", SettingsPage)).ToBeVisibleAsync(WorkspacePage.Soon);
            }

            await shots.TakeAsync(owner.Page, "work-in-flight");
            await shots.TakeAsync(colleague.Page, "work-in-flight-colleague");

            // The owner takes the migration over mid-run: the agent is told to stop, the progress log stays.
            await owner.OpenAsync(Migration);
            await Expect(owner.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("slowpoke");
            await owner.ActAsync("takeover");
            await Expect(owner.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("Ada Lovelace", new() { Timeout = 30_000 });
            await slowpoke.WaitUntilAsync(a => a.Observed.Revocations.Any(r => r.Reason == "takeover"), TimeSpan.FromSeconds(30));
            await Expect(owner.Page.GetByTestId("drawer-log")).ToContainTextAsync("Taken over by Ada Lovelace");
            await shots.TakeAsync(owner.Page, "taken-over");
            await owner.ActAsync("complete", "Finished the migration by hand.");
            await owner.CloseDrawerAsync();
            await Expect(owner.CardIn("done", Migration)).ToBeVisibleAsync(WorkspacePage.Soon);

            // Release notes could go to either agent: the coordinator asks, both boards show it, and one click answers.
            await owner.CreateWorkItemAsync(ReleaseNotes, "");
            foreach (var person in new[] { owner, colleague })
            {
                await Expect(person.CardIn("ready", ReleaseNotes).GetByTestId("card-flag")).ToHaveTextAsync("Needs a person to route", WorkspacePage.SoonText);
            }

            await owner.OpenAsync(ReleaseNotes);
            await Expect(owner.Page.GetByTestId("routing-candidate")).ToHaveCountAsync(2);
            await Expect(owner.Page.GetByTestId("routing-candidate-reason").First).ToContainTextAsync("→ ");
            await Expect(owner.Page.GetByTestId("drawer-close")).ToBeInViewportAsync(new() { Ratio = 1 });
            await shots.TakeAsync(owner.Page, "needs-a-person-to-route");
            await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Give to pixel" }).ClickAsync();
            await Expect(owner.Page.GetByTestId("drawer-assignee")).ToHaveTextAsync("pixel");
            await Expect(owner.Page.GetByTestId("routing-candidates")).ToBeHiddenAsync();
            await owner.CloseDrawerAsync();
            await Expect(colleague.Card(ReleaseNotes).GetByTestId("card-flag")).ToBeHiddenAsync(new() { Timeout = 30_000 });
            await Expect(colleague.CardIn("inReview", ReleaseNotes)).ToBeVisibleAsync(WorkspacePage.Soon);

            // The settings page is approved by dragging its card to Done.
            await owner.DragAsync(owner.CardIn("inReview", SettingsPage), "done");
            await Expect(owner.CardIn("done", SettingsPage)).ToBeVisibleAsync(WorkspacePage.Soon);

            // A move the state machine refuses snaps back with the reason.
            await owner.DragAsync(owner.CardIn("done", SettingsPage), "inProgress");
            await Expect(owner.Page.Locator(".mud-snackbar").Filter(new() { HasText = "cannot be moved by a takeover" })).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(owner.CardIn("done", SettingsPage)).ToBeVisibleAsync();

            // The colleague saw everything arrive without reloading.
            await Expect(colleague.CardIn("done", Migration)).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(colleague.CardIn("done", SettingsPage)).ToBeVisibleAsync(WorkspacePage.Soon);
            await shots.TakeAsync(colleague.Page, "all-done-colleague");

            // The roster shows both agents with their record.
            await colleague.Page.GetByTestId("tab-roster").ClickAsync();
            await Expect(colleague.Page.GetByTestId("roster-member").Filter(new() { HasText = "pixel" }).GetByTestId("member-record"))
                .ToContainTextAsync("1 done", new() { Timeout = 30_000 });
            await shots.TakeAsync(colleague.Page, "roster");

            // The roster shows people's presence live: the owner leaves, and the colleague sees it.
            var ownerOnRoster = colleague.Page.GetByTestId("roster-member").Filter(new() { HasText = "Ada Lovelace" });
            await Expect(ownerOnRoster).ToHaveAttributeAsync("data-status", "online");
            await owner.Page.CloseAsync();
            await Expect(ownerOnRoster).ToHaveAttributeAsync("data-status", "offline", new() { Timeout = 30_000 });

            // The dashboard counts what happened: pixel's record is there with its finished item.
            await colleague.Page.GetByTestId("tab-dashboard").ClickAsync();
            await Expect(colleague.Page.GetByTestId("agent-records")).ToContainTextAsync("pixel", new() { Timeout = 30_000 });
            // One finished item teaches the model nothing yet, and the page says when it will.
            await Expect(colleague.Page.GetByTestId("skill-model-untuned")).ToContainTextAsync("finished 10 or more items");
            await shots.TakeAsync(colleague.Page, "dashboard");
        }, owner.Page, colleague.Page);
    }

    private async Task<SimulatedAgent> StartAgentAsync(string token, string name, AgentCard profile, string delivery, AgentBehaviour behaviour)
    {
        var agent = await SimulatedAgent.StartAsync(new SimulatedAgentOptions
        {
            ServerUrl = _app.BaseAddress,
            JoinToken = token,
            Name = name,
            Profile = profile,
            Delivery = delivery,
            Behaviour = behaviour,
            Timings = AgentTimings.Fast with { ProgressInterval = TimeSpan.FromSeconds(1), ProgressReports = 4, HeartbeatInterval = TimeSpan.FromSeconds(1) },
        });
        _agents.Add(agent);
        return agent;
    }
}
