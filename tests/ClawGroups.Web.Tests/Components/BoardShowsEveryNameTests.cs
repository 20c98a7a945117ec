using System.Text.Json;
using Bunit;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;
using ClawGroups.Web.Components.Board;
using ClawGroups.Web.Components.Shared;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

/// <summary>
/// Whatever the coordinator can write, the board can show: every trail event type has its own words and every state a
/// column, a filter entry and a card. A type or state added without them fails here, not in front of a person.
/// </summary>
public sealed class BoardShowsEveryNameTests : ComponentTest
{
    public static TheoryData<string> TrailEventTypeNames => new(TrailEventTypes.All.Select(t => t.Name));

    public static TheoryData<WorkItemState> States => new(Enum.GetValues<WorkItemState>());

    public static TheoryData<string> MemberStatusNames => new(
        typeof(MemberStatuses).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!));

    [Theory]
    [MemberData(nameof(TrailEventTypeNames))]
    public void Every_trail_event_type_has_its_own_words_not_its_bare_name(string type)
    {
        using var data = JsonDocument.Parse("{}");
        var entry = new TrailEventView(1, DateTimeOffset.UtcNow, new ActorView("coordinator", null), type, data.RootElement.Clone());

        var words = TrailText.Describe(entry);

        Assert.NotEqual(type, words);
    }

    [Fact]
    public void A_trail_event_type_this_build_does_not_know_is_shown_by_its_name()
    {
        using var data = JsonDocument.Parse("{}");
        var entry = new TrailEventView(1, DateTimeOffset.UtcNow, new ActorView("coordinator", null), "work.teleported", data.RootElement.Clone());

        Assert.Equal("work.teleported", TrailText.Describe(entry));
    }

    [Theory]
    [MemberData(nameof(States))]
    public void Every_state_has_a_column_on_the_board(WorkItemState state)
    {
        var column = BoardColumns.ColumnOf(WorkItemStates.ApiName(state));

        Assert.Contains(column, BoardColumns.All.Select(c => c.Key));
    }

    [Fact]
    public void The_state_filter_offers_every_state_once()
        => Assert.Equal(Enum.GetValues<WorkItemState>().Order(), BoardColumns.FilterOrder.Order());

    [Theory]
    [MemberData(nameof(States))]
    public void Every_state_renders_as_a_card(WorkItemState state)
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item(WorkItemStates.ApiName(state), Agent)));

        Assert.Equal(WorkItemStates.ApiName(state), card.Find("[data-testid=work-item-card]").GetAttribute("data-state"));
    }

    [Fact]
    public void A_name_that_is_no_state_is_an_error_not_a_done_card()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => BoardColumns.ColumnOf("archived"));

        Assert.Contains("'archived' is not a work item state", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void Every_state_reads_in_words_on_its_card_not_by_its_api_name(WorkItemState state)
    {
        var card = Render<WorkItemCard>(p => p.Add(c => c.Item, Item(WorkItemStates.ApiName(state), Agent)));

        Assert.Contains(StateNames.Of(state), card.Find("[data-testid=work-item-card]").TextContent, StringComparison.Ordinal);
        Assert.NotEqual(WorkItemStates.ApiName(state), StateNames.Of(state), StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MemberStatusNames))]
    public void Every_member_status_has_words_for_people_not_its_api_name(string status)
        => Assert.NotEqual(status, StateNames.OfMember(status), StringComparer.Ordinal);
}
