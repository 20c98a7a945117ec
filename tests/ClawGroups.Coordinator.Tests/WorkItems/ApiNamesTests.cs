using System.Text.Json;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.WorkItems;

/// <summary>The names the API writes for states, member kinds and agent statuses: one place each, and the names clients already know.</summary>
public sealed class ApiNamesTests
{
    public static TheoryData<WorkItemState> States => new(Enum.GetValues<WorkItemState>());

    public static TheoryData<MemberKind> Kinds => new(Enum.GetValues<MemberKind>());

    public static TheoryData<AgentStatus> AgentStatuses => new(Enum.GetValues<AgentStatus>());

    [Theory]
    [MemberData(nameof(States))]
    public void A_state_read_back_from_its_api_name_is_the_same_state(WorkItemState state)
        => Assert.Equal(state, WorkItemStates.Parse(WorkItemStates.ApiName(state)));

    [Theory]
    [InlineData("archived")]
    [InlineData("InProgress")]
    [InlineData("3")]
    [InlineData("")]
    public void A_name_that_is_no_state_is_refused_with_the_states_it_could_be(string name)
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => WorkItemStates.Parse(name));

        Assert.Contains("inProgress", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_member_kind_keeps_the_camelCase_name_the_api_has_always_written(MemberKind kind)
        => Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(kind.ToString()), MemberKinds.ApiName(kind));

    [Theory]
    [MemberData(nameof(AgentStatuses))]
    public void Every_agent_status_keeps_the_camelCase_name_the_api_has_always_written(AgentStatus status)
        => Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(status.ToString()), MemberStatuses.ApiName(status));
}
