using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.A2a;

public sealed class GroupTaskStatesTests
{
    [Theory]
    [InlineData(WorkItemState.Backlog, TaskState.Submitted)]
    [InlineData(WorkItemState.Ready, TaskState.Submitted)]
    [InlineData(WorkItemState.Assigned, TaskState.Submitted)]
    [InlineData(WorkItemState.InProgress, TaskState.Working)]
    [InlineData(WorkItemState.Stalled, TaskState.Working)]
    [InlineData(WorkItemState.InReview, TaskState.Working)]
    [InlineData(WorkItemState.Done, TaskState.Completed)]
    [InlineData(WorkItemState.Failed, TaskState.Failed)]
    [InlineData(WorkItemState.Cancelled, TaskState.Canceled)]
    public void A_work_items_state_reads_as_the_contracts_task_state(WorkItemState state, TaskState expected)
        => Assert.Equal(expected, GroupTaskStates.Of(state));

    [Theory]
    [InlineData(WorkItemState.Ready)]
    [InlineData(WorkItemState.InProgress)]
    [InlineData(WorkItemState.InReview)]
    public void An_item_waiting_for_a_persons_answer_requires_input(WorkItemState state)
        => Assert.Equal(TaskState.InputRequired, GroupTaskStates.Of(state, waitsForAnswer: true));

    [Theory]
    [InlineData(WorkItemState.Done, TaskState.Completed)]
    [InlineData(WorkItemState.Cancelled, TaskState.Canceled)]
    public void An_ended_item_stays_ended_even_with_a_question_open(WorkItemState state, TaskState expected)
        => Assert.Equal(expected, GroupTaskStates.Of(state, waitsForAnswer: true));

    [Fact]
    public void Every_work_item_state_has_a_task_state()
        => Assert.All(Enum.GetValues<WorkItemState>(), state => Assert.NotEqual(TaskState.Unspecified, GroupTaskStates.Of(state)));
}
