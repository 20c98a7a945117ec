using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;
using static ClawGroups.Coordinator.WorkItems.ItemHolder;
using static ClawGroups.Data.WorkItems.WorkItemState;

namespace ClawGroups.Coordinator.Tests.WorkItems;

/// <summary>
/// Steering as the contract words it (docs/API.md, "Work items"): a message "steers the assignee mid-run"; a paused item
/// "keeps its assignee and is never counted as stalled", and "the agent gets <c>work.paused</c>".
/// </summary>
public sealed class SteeringRuleTests
{
    private static readonly Guid Asker = Guid.Parse("11111111-1111-1111-1111-111111111111");

    public static TheoryData<WorkItemState> NotInFlight => new(Enum.GetValues<WorkItemState>().Where(s => s is not (Assigned or InProgress)));

    [Theory]
    [MemberData(nameof(NotInFlight))]
    public void Work_not_in_flight_cannot_be_steered_by_anyone(WorkItemState state)
    {
        var allowed = from move in Enum.GetValues<SteeringMove>()
                      from holder in Enum.GetValues<ItemHolder>()
                      from paused in new[] { false, true }
                      where SteeringRule.Allows(move, state, holder, paused)
                      select (move, holder, paused);

        Assert.Empty(allowed);
    }

    [Theory]
    [InlineData(Assigned, Agent, true)]
    [InlineData(InProgress, Agent, true)]
    [InlineData(InProgress, AnotherHuman, true)]
    [InlineData(InProgress, TheAsker, false)]
    public void A_message_steers_whoever_else_holds_work_in_flight(WorkItemState state, ItemHolder holder, bool allowed)
    {
        Assert.Equal(allowed, SteeringRule.Allows(SteeringMove.Message, state, holder, paused: false));
        Assert.Equal(allowed, SteeringRule.Allows(SteeringMove.Message, state, holder, paused: true));
    }

    [Theory]
    [InlineData(Assigned, Agent, false, true)]
    [InlineData(InProgress, Agent, false, true)]
    [InlineData(InProgress, Agent, true, false)]
    [InlineData(InProgress, AnotherHuman, false, false)]
    [InlineData(InProgress, TheAsker, false, false)]
    public void Only_an_agents_work_in_flight_that_is_not_paused_can_be_paused(WorkItemState state, ItemHolder holder, bool paused, bool allowed)
    {
        Assert.Equal(allowed, SteeringRule.Allows(SteeringMove.Pause, state, holder, paused));
    }

    [Theory]
    [InlineData(InProgress, Agent, true, true)]
    [InlineData(Assigned, Agent, true, true)]
    [InlineData(InProgress, Agent, false, false)]
    [InlineData(InProgress, TheAsker, true, true)]
    [InlineData(Assigned, AnotherHuman, true, true)]
    public void Paused_work_in_flight_can_be_resumed_whoever_holds_it(WorkItemState state, ItemHolder holder, bool paused, bool allowed)
    {
        Assert.Equal(allowed, SteeringRule.Allows(SteeringMove.Resume, state, holder, paused));
    }

    [Theory]
    [InlineData(SteeringMove.Message, Done, NoOne, false, "The work item is done: there is no one to steer.")]
    [InlineData(SteeringMove.Message, Ready, NoOne, false, "The work item is ready: there is no one to steer.")]
    [InlineData(SteeringMove.Message, InProgress, TheAsker, false, "You hold this work item: there is no one else to steer.")]
    [InlineData(SteeringMove.Pause, Ready, NoOne, false, "Only assigned or in-progress work can be paused; this item is ready.")]
    [InlineData(SteeringMove.Resume, InReview, Agent, true, "Only assigned or in-progress work can be resumed; this item is inReview.")]
    [InlineData(SteeringMove.Pause, InProgress, TheAsker, false, "Only an agent's work can be paused: a person's work is never counted as stalled.")]
    [InlineData(SteeringMove.Pause, InProgress, Agent, true, "The work item is already paused.")]
    [InlineData(SteeringMove.Resume, InProgress, Agent, false, "The work item is not paused.")]
    public void A_refused_steer_is_a_conflict_that_says_why_and_names_the_state(
        SteeringMove move, WorkItemState state, ItemHolder holder, bool paused, string why)
    {
        var failure = SteeringRule.Refusal(move, state, holder, paused);

        Assert.NotNull(failure);
        Assert.Equal(FailureKind.Conflict, failure.Kind);
        Assert.Equal(why, failure.Detail);
        Assert.Equal(WorkItemStates.ApiName(state), failure.Extensions!["state"]);
    }

    [Fact]
    public void The_holder_is_seen_from_the_asker_alike_on_the_item_and_on_its_view()
    {
        var agentId = Guid.NewGuid();
        var colleague = Guid.NewGuid();
        (MemberKind? Kind, Guid? AgentId, Guid? UserId, MemberRef? Assignee, ItemHolder Expected)[] cases =
        [
            (MemberKind.Agent, agentId, null, new MemberRef("agent", agentId, "pixel"), Agent),
            (MemberKind.Human, null, Asker, new MemberRef("human", Asker, "Ada"), TheAsker),
            (MemberKind.Human, null, colleague, new MemberRef("human", colleague, "Grace"), AnotherHuman),
            (null, null, null, null, NoOne),
        ];

        foreach (var (kind, agent, user, assignee, expected) in cases)
        {
            var item = new WorkItem { State = InProgress, AssigneeKind = kind, AssigneeAgentId = agent, AssigneeUserId = user };
            var view = new WorkItemView(Guid.NewGuid(), Guid.NewGuid(), null, "t", "", [], 0, "inProgress", assignee, 1, new ProgressView(0, null, null),
                null, [], false, null, new UsageView(0, 0, 0), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, []);

            Assert.Equal(expected, SteeringRule.HolderOf(item, Asker));
            Assert.Equal(expected, SteeringRule.HolderOf(view, Asker));
        }
    }
}
