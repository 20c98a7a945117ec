using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.WorkItems;

public sealed class AttemptRuleTests
{
    [Fact]
    public void An_offer_carries_the_number_it_becomes_and_counts_only_once_accepted()
    {
        var item = new WorkItem { Attempts = 1 };
        var offer = new Assignment { Attempt = AttemptRule.NumberOfNext(item, chosenByPerson: false) };

        Assert.Equal(2, offer.Attempt);
        Assert.Equal(1, item.Attempts);
        AttemptRule.Started(item, offer);
        Assert.Equal(2, item.Attempts);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 3)]
    public void A_persons_choice_continues_the_current_count(int attempts, int number)
        => Assert.Equal(number, AttemptRule.NumberOfNext(new WorkItem { Attempts = attempts }, chosenByPerson: true));

    [Theory]
    [InlineData(2, null, false)]
    [InlineData(3, null, true)]
    [InlineData(3, 5, false)]
    public void Attempts_are_exhausted_at_the_groups_maximum_else_the_configured_one(int attempts, int? groupMax, bool exhausted)
        => Assert.Equal(exhausted, AttemptRule.Exhausted(new WorkItem { Attempts = attempts }, new Group { MaxAttempts = groupMax }, new CoordinatorOptions { MaxAttempts = 3 }));
}
