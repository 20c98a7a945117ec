using System.Text.Json;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;

namespace ClawGroups.Web.Tests.Components;

/// <summary>The creation breaker's flags in the words the drawer's log and timeline show.</summary>
public sealed class BreakerTrailTextTests
{
    [Fact]
    public void A_creation_rate_refusal_says_how_many_items_against_which_limit()
        => Assert.Equal(
            "Breaker: a plan of 2 items was refused; the agent created 199 in the last hour (limit 200). Nothing was created.",
            Describe("""{"reason":"creationRate","created":199,"planned":2,"limit":200,"retryAfter":3540}"""));

    [Fact]
    public void A_duplicate_refusal_names_the_titles_it_repeated()
        => Assert.Equal(
            "Breaker: a plan was refused for repeating work: “Add the CSV export endpoint”, “Write the release notes”. Nothing was created.",
            Describe("""{"reason":"duplicateWork","duplicates":[{"field":"items[1].title","title":"Add the CSV export endpoint"},{"field":"items[2].title","planItem":"items[0]","title":"Write the release notes"}]}"""));

    private static string Describe(string json)
    {
        using var data = JsonDocument.Parse(json);
        return TrailText.Describe(new TrailEventView(1, DateTimeOffset.UtcNow, new ActorView("agent", Guid.NewGuid()), "breaker.tripped", data.RootElement.Clone()));
    }
}
