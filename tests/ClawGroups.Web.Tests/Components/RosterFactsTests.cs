using Bunit;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Groups;

namespace ClawGroups.Web.Tests.Components;

/// <summary>The roster's figures for one member: the cost per accepted result (decision 0028) beside the track record.</summary>
public sealed class RosterFactsTests : ComponentTest
{
    [Theory]
    [InlineData("5", "$5.00")]
    [InlineData("1234.5", "$1,234.50")]
    [InlineData("0.3333", "$0.3333")]
    [InlineData("0", "$0.00")]
    public void An_agent_with_accepted_results_shows_what_one_cost(string cost, string shown)
    {
        var facts = Render(Agent() with { CostPerAcceptedResult = decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(shown, facts.Find("[data-testid=member-cost-per-result]").TextContent);
    }

    [Fact]
    public void An_agent_without_an_accepted_result_shows_a_dash()
    {
        var facts = Render(Agent() with { TrackRecord = new TrackRecordView(0, 1, 2, 0) });

        Assert.Equal("—", facts.Find("[data-testid=member-cost-per-result]").TextContent);
        Assert.Contains("0 done · 1 stalled · 2 rejected", facts.Find("[data-testid=member-record]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_person_who_takes_work_shows_a_track_record_but_no_cost_since_people_report_no_usage()
    {
        var facts = Render(new MemberView(MemberKinds.Human, Guid.NewGuid(), "pat", "online", Role: "member", Capacity: 1,
            TrackRecord: new TrackRecordView(3, 0, 0, 0)));

        Assert.Contains("3 done", facts.Find("[data-testid=member-record]").TextContent, StringComparison.Ordinal);
        Assert.Empty(facts.FindAll("[data-testid=member-cost-per-result]"));
    }

    private IRenderedComponent<RosterFacts> Render(MemberView member) => Render<RosterFacts>(p => p.Add(c => c.Member, member));

    private static MemberView Agent() => new(
        MemberKinds.Agent, Guid.NewGuid(), "zed", "online", Delivery: "poll", Capacity: 2, LastHeartbeatAt: DateTimeOffset.UtcNow, Load: 1,
        TrackRecord: new TrackRecordView(2, 1, 1, 0));
}
