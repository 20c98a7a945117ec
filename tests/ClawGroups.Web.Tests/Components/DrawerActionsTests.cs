using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class DrawerActionsTests
{
    [Fact]
    public void An_agents_running_item_can_be_taken_over_steered_paused_reassigned_and_cancelled()
    {
        var actions = DrawerActions.For(Item("inProgress", Agent), Me);

        Assert.Equal(
            DrawerAction.TakeOver | DrawerAction.Reassign | DrawerAction.Cancel | DrawerAction.Message | DrawerAction.Pause | DrawerAction.CreateSubItem,
            actions);
    }

    [Fact]
    public void Work_I_hold_can_be_completed_or_handed_back_but_not_taken_over_again()
    {
        var actions = DrawerActions.For(Item("inProgress", MeAsAssignee), Me);

        Assert.True(actions.HasFlag(DrawerAction.Complete));
        Assert.True(actions.HasFlag(DrawerAction.HandBack));
        Assert.False(actions.HasFlag(DrawerAction.TakeOver));
        Assert.False(actions.HasFlag(DrawerAction.Message));
    }

    [Fact]
    public void A_paused_item_offers_resume_instead_of_pause()
    {
        var actions = DrawerActions.For(Item("inProgress", Agent, paused: true), Me);

        Assert.True(actions.HasFlag(DrawerAction.Resume));
        Assert.False(actions.HasFlag(DrawerAction.Pause));
    }

    [Fact]
    public void A_colleagues_running_item_can_be_messaged_but_not_paused()
    {
        var actions = DrawerActions.For(Item("inProgress", new MemberRef("human", Guid.NewGuid(), "Grace Hopper")), Me);

        Assert.True(actions.HasFlag(DrawerAction.Message));
        Assert.False(actions.HasFlag(DrawerAction.Pause));
        Assert.False(actions.HasFlag(DrawerAction.Resume));
    }

    [Fact]
    public void Work_no_one_is_running_offers_no_steering()
    {
        var steering = DrawerAction.Message | DrawerAction.Pause | DrawerAction.Resume;

        Assert.Equal(DrawerAction.None, DrawerActions.For(Item("ready"), Me) & steering);
        Assert.Equal(DrawerAction.None, DrawerActions.For(Item("inReview", Agent), Me) & steering);
        Assert.Equal(DrawerAction.None, DrawerActions.For(Item("stalled"), Me) & steering);
    }

    [Fact]
    public void A_result_in_review_can_be_approved_or_rejected()
    {
        var actions = DrawerActions.For(Item("inReview", Agent), Me);

        Assert.True(actions.HasFlag(DrawerAction.Approve | DrawerAction.Reject));
        Assert.False(actions.HasFlag(DrawerAction.TakeOver));
    }

    [Fact]
    public void Finished_work_offers_nothing_and_failed_work_offers_retry()
    {
        Assert.Equal(DrawerAction.None, DrawerActions.For(Item("done", Agent), Me));
        Assert.Equal(DrawerAction.None, DrawerActions.For(Item("cancelled"), Me));
        Assert.True(DrawerActions.For(Item("failed"), Me).HasFlag(DrawerAction.Retry));
    }
}
