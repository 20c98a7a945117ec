using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;
using ClawGroups.Web.Components.Board;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class BoardMovesTests
{
    public static TheoryData<string> Columns => new(BoardColumns.All.Select(c => c.Key));

    [Fact]
    public void Dropping_an_agents_running_item_on_in_progress_takes_it_over()
        => Assert.Equal(BoardAction.TakeOver, BoardMoves.ForDrop(Item("assigned", Agent), BoardColumns.InProgress, Me).Value);

    [Fact]
    public void Dropping_a_card_where_it_already_is_asks_for_nothing()
        => Assert.Equal(BoardAction.None, BoardMoves.ForDrop(Item("stalled", Agent), BoardColumns.InProgress, Me).Value);

    [Fact]
    public void Dropping_a_reviewed_item_on_done_approves_it()
        => Assert.Equal(BoardAction.Approve, BoardMoves.ForDrop(Item("inReview", Agent), BoardColumns.Done, Me).Value);

    [Fact]
    public void Dropping_my_own_work_on_done_completes_it_and_on_ready_hands_it_back()
    {
        var mine = Item("inProgress", MeAsAssignee);

        Assert.Equal(BoardAction.Complete, BoardMoves.ForDrop(mine, BoardColumns.Done, Me).Value);
        Assert.Equal(BoardAction.HandBack, BoardMoves.ForDrop(mine, BoardColumns.Ready, Me).Value);
    }

    [Fact]
    public void A_failed_item_waits_flagged_in_ready_and_cannot_be_taken_over_by_dragging()
    {
        Assert.Equal(BoardColumns.Ready, BoardColumns.ColumnOf("failed"));
        Assert.False(BoardMoves.ForDrop(Item("failed"), BoardColumns.InProgress, Me).Succeeded);
    }

    [Fact]
    public void Finished_work_cannot_be_taken_over_and_the_reason_names_the_state()
    {
        var refused = BoardMoves.ForDrop(Item("done", Agent), BoardColumns.InProgress, Me);

        Assert.False(refused.Succeeded);
        Assert.Contains("done", refused.Failure!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agents_work_cannot_be_dragged_to_done_or_back_to_ready()
    {
        var running = Item("inProgress", Agent);

        Assert.False(BoardMoves.ForDrop(running, BoardColumns.Done, Me).Succeeded);
        Assert.False(BoardMoves.ForDrop(running, BoardColumns.Ready, Me).Succeeded);
    }

    [Theory]
    [MemberData(nameof(Columns))]
    public void Nothing_can_be_dropped_into_assigned_or_in_review_by_hand(string from)
    {
        var state = from == BoardColumns.Done ? "done" : from;

        Assert.False(BoardMoves.ForDrop(Item(state, Agent), BoardColumns.Assigned, Me) is { Succeeded: true, Value: not BoardAction.None });
        Assert.False(BoardMoves.ForDrop(Item(state, Agent), BoardColumns.InReview, Me) is { Succeeded: true, Value: not BoardAction.None });
    }

    [Fact]
    public void Every_allowed_drop_is_a_move_the_state_machine_allows_from_that_state()
    {
        var moves = new Dictionary<BoardAction, WorkItemMove>
        {
            [BoardAction.TakeOver] = WorkItemMove.TakeOver,
            [BoardAction.HandBack] = WorkItemMove.HandBack,
            [BoardAction.Complete] = WorkItemMove.Finish,
            [BoardAction.Approve] = WorkItemMove.Approve,
        };
        foreach (var state in Enum.GetValues<WorkItemState>())
        {
            foreach (var assignee in new[] { null, Agent, MeAsAssignee })
            {
                foreach (var column in BoardColumns.All)
                {
                    var drop = BoardMoves.ForDrop(Item(WorkItemStates.ApiName(state), assignee), column.Key, Me);
                    if (drop is { Succeeded: true, Value: not BoardAction.None })
                    {
                        Assert.True(WorkItemStateMachine.Allows(state, moves[drop.Value]), $"{state} dropped on {column.Key} asks for {drop.Value}");
                    }
                }
            }
        }
    }
}
