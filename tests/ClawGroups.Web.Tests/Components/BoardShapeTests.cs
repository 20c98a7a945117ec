using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class BoardShapeTests
{
    private static BoardShape ShapeOf(IReadOnlyList<WorkItemView> cards, int hidden = 0, IEnumerable<WorkItemView>? offers = null, Func<WorkItemView, GoalSummary?>? goalOf = null)
        => BoardShape.Of(cards, hidden, goalOf ?? (_ => null), offers ?? [], group: null);

    [Fact]
    public void A_progress_report_leaves_the_shape_as_it_was()
    {
        var running = Item("inProgress", Agent, fraction: 0.2, message: "Started");
        var waiting = Item("ready");

        var reported = running with { Progress = running.Progress with { Fraction = 0.6, Message = "Half way" }, UpdatedAt = running.UpdatedAt.AddSeconds(5) };

        Assert.True(ShapeOf([reported, waiting]).Matches(ShapeOf([running, waiting])));
    }

    [Fact]
    public void A_card_that_moves_column_changes_the_shape()
    {
        var running = Item("inProgress", Agent);

        Assert.False(ShapeOf([running with { State = "inReview" }]).Matches(ShapeOf([running])));
    }

    [Fact]
    public void Cards_in_another_order_a_new_card_or_more_finished_cards_hidden_change_the_shape()
    {
        var first = Item("ready", title: "first");
        var second = Item("ready", title: "second");
        var shape = ShapeOf([first, second]);

        Assert.False(ShapeOf([second, first]).Matches(shape));
        Assert.False(ShapeOf([first, second, Item("ready")]).Matches(shape));
        Assert.False(ShapeOf([first, second], hidden: 1).Matches(shape));
        Assert.False(shape.Matches(null));
    }

    [Fact]
    public void A_goal_whose_counts_moved_or_a_new_view_of_an_offer_changes_the_shape()
    {
        var goal = Item("inProgress", title: "goal");
        var offer = Item("assigned", MeAsAssignee, title: "offer");

        Assert.False(ShapeOf([goal], goalOf: _ => new GoalSummary(2, 3, 0, null)).Matches(ShapeOf([goal], goalOf: _ => new GoalSummary(1, 3, 0, null))));
        Assert.True(ShapeOf([goal], goalOf: _ => new GoalSummary(1, 3, 0, null)).Matches(ShapeOf([goal], goalOf: _ => new GoalSummary(1, 3, 0, null))));
        Assert.False(ShapeOf([offer], offers: [offer with { Title = "offer, reworded" }]).Matches(ShapeOf([offer], offers: [offer])));
    }
}
