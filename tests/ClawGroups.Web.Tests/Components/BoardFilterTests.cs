using ClawGroups.Web.Components.Board;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class BoardFilterTests
{
    [Fact]
    public void Open_work_comes_by_priority_then_age()
    {
        var old = Item(title: "old", stateChangedAt: DateTimeOffset.UtcNow.AddHours(-2));
        var urgent = Item(title: "urgent", priority: 5);
        var fresh = Item(title: "fresh", stateChangedAt: DateTimeOffset.UtcNow);

        var (cards, _) = new BoardFilter().Arrange([fresh, urgent, old]);

        Assert.Equal(["urgent", "old", "fresh"], cards.Select(c => c.Title));
    }

    [Fact]
    public void The_done_column_shows_the_newest_finished_cards_and_counts_the_rest()
    {
        var finished = Enumerable.Range(0, BoardFilter.FinishedCardLimit + 7)
            .Select(i => Item("done", title: $"done {i}", stateChangedAt: DateTimeOffset.UtcNow.AddMinutes(-i)))
            .ToList();

        var (cards, hidden) = new BoardFilter().Arrange(finished.Append(Item("ready")));

        Assert.Equal(7, hidden);
        Assert.Equal(BoardFilter.FinishedCardLimit + 1, cards.Count);
        Assert.Contains(cards, c => c.Title == "done 0");
        Assert.DoesNotContain(cards, c => c.Title == $"done {BoardFilter.FinishedCardLimit + 6}");
    }

    [Fact]
    public void Filters_narrow_by_text_assignee_skill_and_state()
    {
        var agentsItem = Item("inProgress", Agent, title: "Tune the index", skills: ["sql"]);
        var mine = Item("inProgress", MeAsAssignee, title: "Write the release notes", skills: ["writing"]);
        var waiting = Item("ready", title: "Design the logo", skills: ["design"]);
        var all = new[] { agentsItem, mine, waiting };

        Assert.Equal([agentsItem], new BoardFilter(Search: "INDEX").Arrange(all).Cards);
        Assert.Equal([mine], new BoardFilter(AssigneeId: Me).Arrange(all).Cards);
        Assert.Equal([waiting], new BoardFilter(UnassignedOnly: true).Arrange(all).Cards);
        Assert.Equal([agentsItem], new BoardFilter(Skill: "SQL").Arrange(all).Cards);
        Assert.Equal([waiting], new BoardFilter(State: "ready").Arrange(all).Cards);
    }

    [Theory]
    [InlineData(null, null, false, null, null, 0)]
    [InlineData("  ", null, false, null, null, 0)]
    [InlineData("index", null, false, null, null, 1)]
    [InlineData(null, "11111111-1111-1111-1111-111111111111", false, "sql", null, 2)]
    [InlineData(null, null, true, "sql", "ready", 3)]
    [InlineData("index", "11111111-1111-1111-1111-111111111111", false, "sql", "ready", 4)]
    public void A_filter_counts_what_narrows_the_board(string? search, string? assignee, bool unassigned, string? skill, string? state, int active)
    {
        var filter = new BoardFilter(search, assignee is null ? null : Guid.Parse(assignee), unassigned, skill, state);

        Assert.Equal(active, filter.Active);
    }
}
