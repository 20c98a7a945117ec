using Bunit;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class WorkItemCardTests : ComponentTest
{
    [Fact]
    public void A_running_card_shows_its_progress_message_and_an_agent_avatar()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form")));

        Assert.Equal("Wrote the form", card.Find("[data-testid=card-progress-message]").TextContent);
        Assert.NotEmpty(card.FindAll("[data-testid=avatar-agent]"));
        Assert.Empty(card.FindAll("[data-testid=avatar-human]"));
        Assert.NotEmpty(card.FindAll("[data-testid=card-progress]"));
    }

    [Fact]
    public void A_card_handed_the_same_view_again_does_not_render_again()
    {
        var item = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form");
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item));

        card.Render(p => p.Add(c => c.Item, item));

        Assert.Equal(1, card.RenderCount);
    }

    [Fact]
    public void A_card_handed_a_new_view_of_its_item_shows_it()
    {
        var item = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form");
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item));

        card.Render(p => p.Add(c => c.Item, item with { Progress = item.Progress with { Fraction = 0.6, Message = "Wrote the tests" } }));

        Assert.Equal("Wrote the tests", card.Find("[data-testid=card-progress-message]").TextContent);
    }

    [Fact]
    public void A_human_assignee_gets_a_different_avatar_with_initials()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("inProgress", MeAsAssignee)));

        Assert.Contains("AL", card.Find("[data-testid=avatar-human]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=avatar-agent]"));
    }

    [Theory]
    [InlineData("stalled", "Stalled")]
    [InlineData("failed", "Failed")]
    [InlineData("backlog", "Blocked")]
    public void Cards_that_need_attention_are_flagged(string state, string flag)
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item(state, Agent)));

        Assert.Contains(flag, card.Find("[data-testid=card-flag]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ready")]
    [InlineData("stalled")]
    public void A_card_the_coordinator_held_says_it_needs_a_person_to_route_on_the_chip_and_in_its_accessible_name(string state)
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item(state, routing: Held)));

        Assert.Equal("Needs a person to route", card.Find("[data-testid=card-flag]").TextContent.Trim());
        Assert.Contains("Needs a person to route", card.Find("[data-testid=work-item-card]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_card_tells_screen_readers_its_state_in_words_and_how_far_it_got_after_its_text()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form")));

        var names = card.Find("[data-testid=work-item-card]").GetAttribute("aria-labelledby")!.Split(' ');
        var spoken = names.Select(id => card.Find($"#{id}").TextContent.Trim()).ToList();

        // One piece per id, in reading order (a browser joins them with spaces): the text on the card, then its state in words.
        Assert.Equal("Build the settings page", spoken[0]);
        Assert.Equal(["react", "Wrote the form", "pixel"], spoken.Skip(1).Take(3));
        Assert.Equal($"In progress, {0.4:P0} done", spoken[^1]);
    }

    [Fact]
    public void A_stalled_card_says_stalled_once()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("stalled")));

        Assert.Equal($"{0:P0} done", card.Find("[data-testid=card-spoken-details]").TextContent);
        Assert.Equal("Stalled", card.Find("[data-testid=card-flag]").TextContent.Trim());
    }

    [Fact]
    public void A_ready_card_has_no_flag_no_progress_and_no_attempt_count()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("ready", attempts: 1)));

        Assert.Empty(card.FindAll("[data-testid=card-flag]"));
        Assert.Empty(card.FindAll("[data-testid=card-progress]"));
        Assert.Empty(card.FindAll("[data-testid=card-attempts]"));
    }

    [Fact]
    public void A_retried_card_shows_its_attempt_and_time_in_state()
    {
        var now = DateTimeOffset.UtcNow;
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("assigned", Agent, attempts: 3, stateChangedAt: now.AddMinutes(-4))));

        Assert.Contains("attempt 3", card.Find("[data-testid=card-attempts]").TextContent, StringComparison.Ordinal);
        Assert.Contains("4 min", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Clicking_or_pressing_enter_opens_the_item()
    {
        var opened = new List<WorkItemView>();
        var item = Item();
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item).Add(c => c.OnOpen, (WorkItemView i) => opened.Add(i)));

        card.Find("[data-testid=work-item-card]").Click();
        card.Find("[data-testid=work-item-card]").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        card.Find("[data-testid=work-item-card]").KeyDown(new KeyboardEventArgs { Key = "a" });

        Assert.Equal([item, item], opened);
    }

    [Fact]
    public void A_card_is_one_component_however_much_it_shows()
    {
        // Every open board holds a card per item, so what a card costs a circuit is multiplied by items × boards (decision 0033).
        var silent = Silent(Agent, heardSecondsAgo: 90);
        var card = Render<WorkItemCard>(p => p
            .Add(c => c.Item, Item("inProgress", Agent, fraction: 0.4, message: null, attempts: 2, skills: ["react", "css", "a11y"], routing: Held))
            .Add(c => c.Goal, new GoalSummary(1, 3, 1, null))
            .Add(c => c.MemberOf, id => id == Agent.Id ? silent : null));

        // Chips, bars, the avatar, the ticking time and the heartbeat warning are all markup of the card itself.
        Assert.Empty(card.FindComponents<IComponent>());
        Assert.Equal(3, card.FindAll(".mud-chip").Count(chip => chip.Id!.Contains("skill", StringComparison.Ordinal)));
        Assert.Contains("silent · last heard 1 min ago", card.Find("[data-testid=heartbeat-warning]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Cards_showing_the_same_view_share_one_written_face_and_a_new_view_gets_its_own()
    {
        // Every board open on a group is handed the same view by the live feed; the face's HTML is then held once for all of them.
        var item = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form");
        var first = Render<WorkItemCard>(p => p.Add(c => c.Item, item));
        var second = Render<WorkItemCard>(p => p.Add(c => c.Item, item));
        var newer = item with { Progress = item.Progress with { Message = "Wrote the tests" } };

        Assert.Same(CardFace.For(item, null, watchesHolder: false), CardFace.For(item, null, watchesHolder: false));
        Assert.NotSame(CardFace.For(item, null, watchesHolder: false), CardFace.For(newer, null, watchesHolder: false));
        Assert.Equal(first.Find("[data-testid=work-item-card]").TextContent, second.Find("[data-testid=work-item-card]").TextContent);
        Assert.Contains("Build the settings page", second.Find("[data-testid=card-title]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_view_of_an_item_keeps_the_pieces_of_its_face_that_did_not_change()
    {
        // Boards still showing the older view and those showing the newer then hold one copy of what both say.
        var item = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form", skills: ["react", "css"]);
        var newer = item with { Progress = item.Progress with { Fraction = 0.6, Message = "Wrote the tests" }, UpdatedAt = item.UpdatedAt.AddSeconds(1) };
        var other = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form", skills: ["react", "css"]);

        var before = CardFace.For(item, null, watchesHolder: true);
        var after = CardFace.For(newer, null, watchesHolder: true);

        Assert.Same(before.Head, after.Head);
        Assert.Same(before.Skills, after.Skills);
        Assert.Same(before.Holder, after.Holder);
        Assert.Same(before.LabelledBy, after.LabelledBy);
        Assert.NotEqual(before.Progress, after.Progress);
        Assert.Contains("Wrote the tests", after.Progress, StringComparison.Ordinal);
        // Another item says other things (its own ids), whatever its text.
        Assert.NotEqual(before.Head, CardFace.For(other, null, watchesHolder: true).Head);
    }

    [Fact]
    public void A_face_written_for_one_goal_is_not_shown_for_another()
    {
        var item = Item("ready");
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item).Add(c => c.Goal, new GoalSummary(1, 3, 0, null)));
        Assert.Contains("1 of 3 sub-items done", card.Find("[data-testid=goal-progress]").TextContent, StringComparison.Ordinal);

        card.Render(p => p.Add(c => c.Item, item).Add(c => c.Goal, new GoalSummary(2, 3, 0, null)));

        Assert.Contains("2 of 3 sub-items done", card.Find("[data-testid=goal-progress]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_title_and_message_that_look_like_markup_show_as_text()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item,
            Item("inProgress", Agent, title: "<img src=x onerror=alert(1)> & co", fraction: 0.4, message: "<script>alert('x')</script>")));

        Assert.Equal("<img src=x onerror=alert(1)> & co", card.Find("[data-testid=card-title]").TextContent);
        Assert.Equal("<script>alert('x')</script>", card.Find("[data-testid=card-progress-message]").TextContent);
        Assert.Empty(card.FindAll("img"));
        Assert.Empty(card.FindAll("script"));
    }

    [Fact]
    public void The_heartbeat_warning_sits_between_the_flag_and_the_skills_as_it_is_named()
    {
        var silent = Silent(Agent, heardSecondsAgo: 90);
        var card = Render<WorkItemCard>(p => p
            .Add(c => c.Item, Item("inProgress", Agent, fraction: 0.4, skills: ["react"], routing: Held))
            .Add(c => c.MemberOf, id => id == Agent.Id ? silent : null));

        var names = card.Find("[data-testid=work-item-card]").GetAttribute("aria-labelledby")!.Split(' ');
        var onPage = card.FindAll("[id]:not(.mud-sr-only)").Select(element => element.Id).Where(names.Contains).ToList();

        // The page's order of the pieces one sees is the name's order: the face's halves around the warning, then the clock;
        // the spoken details, last in the name, are not shown, wherever they are.
        Assert.Equal(names.Where(id => !id.EndsWith("-details", StringComparison.Ordinal)), onPage);
        Assert.EndsWith("-details", names[^1], StringComparison.Ordinal);
        var flag = Array.FindIndex(names, id => id.EndsWith("-flag", StringComparison.Ordinal));
        Assert.EndsWith("-warning", names[flag + 1], StringComparison.Ordinal);
        Assert.EndsWith("-skill-0", names[flag + 2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_card_renders_at_most_32_frames_however_much_it_shows()
    {
        // A component keeps two render-tree buffers (its current render and the previous one), grown in powers of two from
        // 32 frames of 40 bytes; 300 boards of 30 cards hold 18,000 cards. Within 32 frames a buffer is 1.3 KB, not 2.5, 5 or 10.
        var silent = Silent(Agent, heardSecondsAgo: 90);
        var card = Render<WorkItemCard>(p => p
            .Add(c => c.Item, Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form", attempts: 2, skills: ["react", "css", "a11y"], routing: Held))
            .Add(c => c.Goal, new GoalSummary(1, 3, 1, null))
            .Add(c => c.MemberOf, id => id == Agent.Id ? silent : null)
            .Add(c => c.Dragged, (Action<WorkItemView?>)(_ => { })));
        Assert.NotEmpty(card.FindAll("[data-testid=heartbeat-warning]"));

        var builder = new RenderTreeBuilder();
        typeof(ComponentBase).GetMethod("BuildRenderTree", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(card.Instance, [builder]);

#pragma warning disable BL0006 // Counting the frames is the point; FragmentHtml reads them too.
        Assert.InRange(builder.GetFrames().Count, 1, 32);
#pragma warning restore BL0006
    }

    [Fact]
    public void A_cards_time_in_state_ages_on_the_circuits_clock_without_a_new_view()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("assigned", Agent, stateChangedAt: DateTimeOffset.UtcNow.AddSeconds(-59.2))));
        var time = card.Find("[data-testid=work-item-card]").GetAttribute("aria-labelledby")!.Split(' ').Single(id => id.EndsWith("-time", StringComparison.Ordinal));
        Assert.Equal("59 s", card.Find($"#{time}").TextContent.Trim());

        card.WaitForAssertion(() => Assert.Equal("1 min", card.Find($"#{time}").TextContent.Trim()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_card_warns_once_its_agent_misses_two_heartbeats_without_a_new_view()
    {
        // Two intervals (30 s each) make a warning: the agent was heard 58.8 s ago, so the card's clock finds it silent soon.
        var member = Silent(Agent, heardSecondsAgo: 58.8);
        var card = Render<WorkItemCard>(p => p
            .Add(c => c.Item, Item("inProgress", Agent, fraction: 0.4))
            .Add(c => c.MemberOf, id => id == Agent.Id ? member : null));
        Assert.Empty(card.FindAll("[data-testid=heartbeat-warning]"));

        card.WaitForAssertion(() => Assert.Contains("silent · last heard 1 min ago", card.Find("[data-testid=heartbeat-warning]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        var warning = card.Find("[data-testid=heartbeat-warning]").Id!;
        Assert.Contains(warning, card.Find("[data-testid=work-item-card]").GetAttribute("aria-labelledby")!.Split(' '));
    }

    [Fact]
    public void A_card_whose_agent_beats_again_drops_its_warning_when_the_board_hands_it_a_new_view()
    {
        var member = Silent(Agent, heardSecondsAgo: 90);
        var item = Item("inProgress", Agent, fraction: 0.4);
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item).Add(c => c.MemberOf, id => id == Agent.Id ? member : null));
        Assert.NotEmpty(card.FindAll("[data-testid=heartbeat-warning]"));

        // A progress report is a sign of life too.
        card.Render(p => p.Add(c => c.Item, item with { Progress = item.Progress with { At = DateTimeOffset.UtcNow, Message = "Back" } })
            .Add(c => c.MemberOf, id => id == Agent.Id ? member : null));

        Assert.Empty(card.FindAll("[data-testid=heartbeat-warning]"));
    }

    [Fact]
    public void A_card_on_a_board_tells_it_when_it_is_picked_up_and_let_go_and_shows_faded_meanwhile()
    {
        var told = new List<WorkItemView?>();
        var item = Item("ready");
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item).Add(c => c.Dragged, (Action<WorkItemView?>)(view => told.Add(view))));
        Assert.Equal("true", card.Find("[data-testid=work-item-card]").GetAttribute("draggable"));

        card.Find("[data-testid=work-item-card]").DragStart();
        Assert.Contains("board-card-dragging", card.Find("[data-testid=work-item-card]").ClassList);
        card.Find("[data-testid=work-item-card]").DragEnd();

        Assert.Equal([item, null], told);
        Assert.DoesNotContain("board-card-dragging", card.Find("[data-testid=work-item-card]").ClassList);
    }

    [Fact]
    public void A_card_off_a_board_is_not_draggable()
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item("ready")));

        Assert.Null(card.Find("[data-testid=work-item-card]").GetAttribute("draggable"));
    }

    private static MemberView Silent(MemberRef agent, double heardSecondsAgo)
        => new(agent.Kind, agent.Id, agent.Name, "online", LastHeartbeatAt: DateTimeOffset.UtcNow.AddSeconds(-heardSecondsAgo));

    [Fact]
    public async Task A_card_handed_a_newer_view_by_its_board_shows_it_and_keeps_it_over_the_boards_older_one()
    {
        var board = new BoardCards();
        var item = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form");
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item).Add(c => c.Board, board));
        var newer = item with { Progress = item.Progress with { Fraction = 0.6, Message = "Wrote the tests" }, UpdatedAt = item.UpdatedAt.AddSeconds(1) };

        await card.InvokeAsync(() => board.Show(new Dictionary<Guid, WorkItemView> { [item.Id] = newer }));
        Assert.Equal("Wrote the tests", card.Find("[data-testid=card-progress-message]").TextContent);

        // The board renders again before its drop zones caught up: the card keeps the newer view it was handed.
        card.Render(p => p.Add(c => c.Item, item).Add(c => c.Board, board));
        Assert.Equal("Wrote the tests", card.Find("[data-testid=card-progress-message]").TextContent);
    }

    [Fact]
    public async Task A_board_handing_cards_unchanged_views_renders_none_of_them()
    {
        var board = new BoardCards();
        var item = Item("inProgress", Agent, fraction: 0.4, message: "Wrote the form");
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, item).Add(c => c.Board, board));

        await card.InvokeAsync(() => board.Show(new Dictionary<Guid, WorkItemView> { [item.Id] = item }));

        Assert.Equal(1, card.RenderCount);
    }
}
