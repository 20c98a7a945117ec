using Bunit;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class WorkItemDrawerTests : ComponentTest
{
    [Fact]
    public void Take_over_is_offered_on_an_agents_running_item_and_raises_the_action()
    {
        var chosen = new List<DrawerAction>();
        var drawer = Render<WorkItemDrawer>(p => p
            .Add(d => d.Item, Item("inProgress", Agent, fraction: 0.5, message: "halfway"))
            .Add(d => d.HumanId, Me)
            .Add(d => d.OnAction, (DrawerAction a) => chosen.Add(a)));

        drawer.Find("[data-testid=action-takeover]").Click();

        Assert.Equal([DrawerAction.TakeOver], chosen);
        Assert.Empty(drawer.FindAll("[data-testid=action-approve]"));
        Assert.Contains("halfway", drawer.Find("[data-testid=drawer-progress]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_in_review_offers_approve_and_reject()
    {
        var chosen = new List<DrawerAction>();
        var drawer = Render<WorkItemDrawer>(p => p
            .Add(d => d.Item, Item("inReview", Agent))
            .Add(d => d.HumanId, Me)
            .Add(d => d.OnAction, (DrawerAction a) => chosen.Add(a)));

        drawer.Find("[data-testid=action-approve]").Click();
        drawer.Find("[data-testid=action-reject]").Click();

        Assert.Equal([DrawerAction.Approve, DrawerAction.Reject], chosen);
        Assert.Empty(drawer.FindAll("[data-testid=action-takeover]"));
    }

    [Fact]
    public void A_held_item_lists_its_candidates_with_their_reasons_and_gives_it_to_one_in_one_click()
    {
        var given = new List<RoutingCandidateView>();
        var drawer = Render<WorkItemDrawer>(p => p
            .Add(d => d.Item, Item("ready", routing: Held))
            .Add(d => d.HumanId, Me)
            .Add(d => d.OnGive, (RoutingCandidateView c) => given.Add(c)));

        var candidates = drawer.FindAll("[data-testid=routing-candidate]");
        Assert.Equal(2, candidates.Count);
        Assert.Contains("React UI (frontend); fit 0.81, next best 0.79", candidates[0].QuerySelector("[data-testid=routing-candidate-reason]")!.TextContent, StringComparison.Ordinal);
        var buttons = drawer.FindAll("[data-testid=give-to]");
        Assert.Equal(["Give to pixel", "Give to stylist"], buttons.Select(b => b.TextContent.Trim()));

        buttons[1].Click();

        Assert.Equal([Held.Candidates[1]], given);
    }

    [Fact]
    public void An_item_the_coordinator_routes_itself_shows_no_candidates()
    {
        var drawer = Render<WorkItemDrawer>(p => p.Add(d => d.Item, Item("ready")).Add(d => d.HumanId, Me));

        Assert.Empty(drawer.FindAll("[data-testid=routing-candidates]"));
    }

    [Fact]
    public void Each_assignment_shows_why_that_member_was_chosen()
    {
        var at = DateTimeOffset.UtcNow;
        var attempt = new AssignmentView(Guid.NewGuid(), Agent.Id, "agent", "pixel", "work", 1, 0.82, "settings page → React UI (frontend); fit 0.82; load 0/2",
            at, at, null, "active", null, null, false, new UsageView(0, 0, 0));
        var drawer = Render<WorkItemDrawer>(p => p.Add(d => d.Item, Item("inProgress", Agent, assignments: [attempt])).Add(d => d.HumanId, Me));

        OpenTab(drawer, "Assignments");

        Assert.Contains("settings page → React UI (frontend); fit 0.82; load 0/2", drawer.Find("[data-testid=assignment-reason]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_markdown_artifact_is_rendered_without_running_what_an_agent_wrote()
    {
        var artifact = new ArtifactView(Guid.NewGuid(), "notes.md", "text/markdown", "# Findings\n<script>alert(1)</script>", 40, DateTimeOffset.UtcNow, null);
        var drawer = Render<WorkItemDrawer>(p => p
            .Add(d => d.Item, Item("inReview", Agent, result: new ResultView("All **done**", [artifact])))
            .Add(d => d.HumanId, Me));

        OpenTab(drawer, "Result");

        Assert.Contains("<h1", drawer.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", drawer.Markup, StringComparison.Ordinal);
        Assert.Contains("<strong>done</strong>", drawer.Find("[data-testid=drawer-result]").InnerHtml, StringComparison.Ordinal);
    }

    private static void OpenTab(IRenderedComponent<WorkItemDrawer> drawer, string title)
        => drawer.FindAll(".mud-tab").Single(tab => tab.TextContent.Trim() == title).Click();
}
