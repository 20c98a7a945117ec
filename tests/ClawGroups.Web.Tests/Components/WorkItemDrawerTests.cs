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
    public void An_offer_lists_the_candidates_it_weighed_with_their_scores_the_chosen_one_marked_and_a_legend_for_fit()
    {
        var at = DateTimeOffset.UtcNow;
        RoutingCandidateView[] weighed =
        [
            new(Agent.Id, "agent", "pixel", 0.82, "settings page → React UI (frontend); fit 0.82, next best 0.61; skill level 0.80; load 0/2", 0.894, Chosen: true),
            new(Guid.NewGuid(), "agent", "stylist", 0.61, "settings page → CSS (design); fit 0.61, next best 0.82; skill level 0.90; load 1/2", 0.657),
            new(Guid.NewGuid(), "agent", "scribe", 0.2, "→ Writing (docs); fit 0.20, next best 0.82; skill level 0.50; load 0/1", 0.34),
        ];
        var attempt = new AssignmentView(Guid.NewGuid(), Agent.Id, "agent", "pixel", "work", 1, 0.894, weighed[0].Reason,
            at, null, null, "active", null, null, false, new UsageView(0, 0, 0), weighed);
        var drawer = Render<WorkItemDrawer>(p => p.Add(d => d.Item, Item("assigned", Agent, assignments: [attempt])).Add(d => d.HumanId, Me));

        OpenTab(drawer, "Assignments");

        var rows = drawer.FindAll("[data-testid=assignment] [data-testid=routing-candidate]");
        Assert.Equal(["score 0.89 · fit 0.82", "score 0.66 · fit 0.61", "score 0.34 · fit 0.20"],
            rows.Select(r => r.QuerySelector("[data-testid=routing-candidate-figures]")!.TextContent.Trim()));
        Assert.Equal(["true", "false", "false"], rows.Select(r => r.GetAttribute("data-chosen")));
        Assert.Single(drawer.FindAll("[data-testid=routing-candidate-chosen]"));
        Assert.Contains("CSS (design); fit 0.61", rows[1].QuerySelector("[data-testid=routing-candidate-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(drawer.FindAll("[data-testid=give-to]")); // an offer is made: nothing to give
        var legend = drawer.Find("[data-testid=score-legend]").TextContent;
        Assert.Contains("fit: how well the item's words match the member's skill, from 0 to 1", legend, StringComparison.Ordinal);
        Assert.Contains("0.7 × fit + 0.2 × skill level + 0.1 × share of slots free", legend, StringComparison.Ordinal);
        Assert.Contains("what its accepted results cost, moves that lead by at most 0.1 either way", legend, StringComparison.Ordinal);
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
