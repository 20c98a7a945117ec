using ClawGroups.Coordinator.Groups;
using ClawGroups.Web.Components.Board;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Components;

public sealed class FilterChoicesTests
{
    private static readonly MemberView Pixel = new("agent", Guid.NewGuid(), "pixel", "online");
    private static readonly MemberView Ada = new("human", Guid.NewGuid(), "Ada Lovelace", "online");
    private static readonly MemberView Stylist = new("agent", Guid.NewGuid(), "Stylist", "online");

    [Fact]
    public void With_nothing_typed_the_assignee_filter_offers_unassigned_then_every_member_by_name()
    {
        var choices = FilterChoices.Assignees([Stylist, Pixel, Ada], null);

        Assert.Equal([FilterChoices.Unassigned, Ada.Id.ToString(), Pixel.Id.ToString(), Stylist.Id.ToString()], choices);
    }

    [Fact]
    public void Typing_narrows_the_assignees_to_names_holding_the_words_whatever_their_case()
    {
        Assert.Equal([Pixel.Id.ToString()], FilterChoices.Assignees([Stylist, Pixel, Ada], " PIX "));
        Assert.Equal([FilterChoices.Unassigned], FilterChoices.Assignees([Stylist, Pixel, Ada], "unass"));
    }

    [Fact]
    public void A_group_of_thousands_offers_a_page_of_members_at_a_time()
    {
        var swarm = Enumerable.Range(0, 3_000).Select(i => new MemberView("agent", Guid.NewGuid(), $"agent {i:D4}", "online")).ToList();

        var choices = FilterChoices.Assignees(swarm, "agent 1");

        Assert.Equal(FilterChoices.Shown, choices.Count);
        Assert.All(choices, choice => Assert.StartsWith("agent 1", swarm.Single(m => m.Id.ToString() == choice).Name, StringComparison.Ordinal));
    }

    [Fact]
    public void An_assignee_choice_reads_as_the_member_and_round_trips_through_the_filter()
    {
        var members = new Dictionary<Guid, MemberView> { [Pixel.Id] = Pixel };

        Assert.Equal("pixel (agent)", FilterChoices.AssigneeText(Pixel.Id.ToString(), members.GetValueOrDefault));
        Assert.Equal("Unassigned", FilterChoices.AssigneeText(FilterChoices.Unassigned, members.GetValueOrDefault));
        Assert.Equal("a member who left", FilterChoices.AssigneeText(Ada.Id.ToString(), members.GetValueOrDefault));

        var narrowed = FilterChoices.WithAssignee(new BoardFilter(), Pixel.Id.ToString());
        Assert.Equal(new BoardFilter(AssigneeId: Pixel.Id), narrowed);
        Assert.Equal(Pixel.Id.ToString(), FilterChoices.AssigneeOf(narrowed));
        Assert.Equal(new BoardFilter(UnassignedOnly: true), FilterChoices.WithAssignee(narrowed, FilterChoices.Unassigned));
        Assert.Equal(new BoardFilter(), FilterChoices.WithAssignee(narrowed, null));
    }

    [Fact]
    public void The_skill_filter_offers_each_asked_skill_once_in_order_narrowed_by_what_is_typed()
    {
        var items = new[] { Item(skills: ["sql", "React"]), Item(skills: ["react", "css"]), Item(skills: []) };

        Assert.Equal(["css", "React", "sql"], FilterChoices.Skills(items, ""));
        Assert.Equal(["css", "sql"], FilterChoices.Skills(items, "s"));
    }
}
