using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Browser.Tests.Accessibility;
using ClawGroups.Web.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>
/// A goal on the board, in Chromium against the real app with simulated agents: a person creates it with "New goal", the
/// planner's plan waits for approval in the drawer, the person edits a title and approves it, and the goal card and its tree
/// follow the sub-items to the write-up — each step checked by axe-core too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GoalsBrowserTests(BrowserFixture browser, AxeFixture axeCore, ITestOutputHelper output) : IAsyncLifetime, IClassFixture<AxeFixture>
{
    private const string GoalTitle = "Launch the pricing page";

    private readonly List<SimulatedAgent> _agents = [];
    private ClawAppFactory _app = null!;

    // Nothing is held for a person to route: the planner and the worker fit the untagged sub-items alike, and the test is about the goal.
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

    private static Plan PricingPlan(WorkItem goal) => new(
    [
        new PlanItem("copy", "Write the pricing copy"),
        new PlanItem("page", "Build the pricing page", DependsOn: ["copy"]),
        new PlanItem("check", "Check the page on phones", DependsOn: ["page"]),
    ]);

    [Fact]
    public async Task A_person_approves_an_edited_plan_and_the_goal_card_and_tree_follow_its_sub_items_to_the_write_up()
    {
        var shots = new Screenshots(nameof(A_person_approves_an_edited_plan_and_the_goal_card_and_tree_follow_its_sub_items_to_the_write_up), output, _app.Log);
        var axe = new AxeCheck(axeCore.Script);
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var ada = new WorkspacePage(await context.NewPageAsync(), _app.BaseAddress);
        var page = ada.Page;

        await shots.RunAsync(async () =>
        {
            await ada.SignUpAsync("Ada Lovelace", "ada@example.com", "Correct horse 42");
            await ada.CreateGroupAsync("Launch crew");
            var token = await ada.CreateJoinTokenAsync(agents: 2);
            // Plans wait for a person; results need no review, so the goal runs through to its write-up.
            await page.GetByTestId("tab-settings").ClickAsync();
            await page.GetByTestId("settings-require-plan-approval").ClickAsync();
            await page.GetByTestId("settings-require-review").ClickAsync();
            await page.GetByTestId("save-settings").ClickAsync();
            await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Settings saved." })).ToBeVisibleAsync(WorkspacePage.Soon);
            await StartAgentAsync(token, "plato", SkillProfiles.Planner, AgentBehaviour.Planner(PricingPlan));
            await StartAgentAsync(token, "bolt", SkillProfiles.Backend, AgentBehaviour.Diligent);

            await page.GetByTestId("tab-board").ClickAsync();
            await page.GetByTestId("new-goal").ClickAsync();
            await page.GetByTestId("new-item-title").FillAsync(GoalTitle);
            await page.GetByTestId("new-item-create").ClickAsync();

            // The planner answered: the goal waits in review for its plan's approval, holding nobody.
            var card = ada.CardIn("inReview", GoalTitle);
            await Expect(card).ToBeVisibleAsync(WorkspacePage.Soon);
            await Expect(card.GetByTestId("card-flag")).ToHaveTextAsync("Plan awaits approval");
            await Expect(card.GetByTestId("goal-progress")).ToContainTextAsync("not planned yet");
            await axe.CheckAsync(page, "board with a goal whose plan awaits approval");
            await ada.OpenAsync(GoalTitle);
            var titles = page.GetByTestId("pending-plan").GetByTestId("plan-item-title");
            await Expect(titles).ToHaveCountAsync(3, new() { Timeout = 30_000 });
            await Expect(titles.First).ToHaveValueAsync("Write the pricing copy");
            await titles.First.FillAsync("Write the pricing copy in plain words");
            await shots.TakeAsync(page, "plan-awaiting-approval");
            await axe.CheckAsync(page, "drawer with a plan to approve");
            await page.GetByTestId("plan-approve").ClickAsync();

            // Approved as edited: the tree shows the sub-items by what they wait for, then the write-up, all done.
            var subItems = page.GetByTestId("goal-subitems").GetByTestId("goal-subitem");
            await Expect(subItems).ToHaveCountAsync(3, new() { Timeout = 30_000 });
            await Expect(subItems.First).ToContainTextAsync("Write the pricing copy in plain words");
            await Expect(subItems.Nth(1)).ToContainTextAsync("after Write the pricing copy in plain words");
            await Expect(subItems.Nth(2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("goal-depth-2"));
            await Expect(page.GetByTestId("goal-consolidation")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60_000 });
            await Expect(page.GetByTestId("goal-tree-progress")).ToHaveTextAsync("3 of 3 sub-items done");
            await Expect(page.GetByTestId("drawer-state")).ToHaveTextAsync("Done", WorkspacePage.SoonText);
            await shots.TakeAsync(page, "goal-tree-written-up");
            await axe.CheckAsync(page, "drawer with a goal's tree");
            await ada.CloseDrawerAsync();

            var done = ada.CardIn("done", GoalTitle);
            await Expect(done.GetByTestId("goal-progress")).ToContainTextAsync("3 of 3 sub-items done · written up", new() { Timeout = 30_000 });
            await shots.TakeAsync(page, "goal-card-done");
            axe.AssertNoSeriousViolations();
        }, page);
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
            Timings = AgentTimings.Fast,
        });
        _agents.Add(agent);
    }
}
