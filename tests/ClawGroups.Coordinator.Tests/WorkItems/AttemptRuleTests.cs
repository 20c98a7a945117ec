using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

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

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public async Task An_item_back_with_its_attempts_used_up_fails_instead_of_being_offered_again(int attempts, bool fails)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var handedBack = await group.AddItemAsync("Reconcile March", w => w.Attempts = attempts);
        await using var context = database.NewContext();
        var item = await context.WorkItems.SingleAsync(w => w.Id == handedBack.Id);

        var failed = await AttemptRule.FailIfExhaustedAsync(context, item, new CoordinatorOptions { MaxAttempts = 2 }, DateTimeOffset.UtcNow, "handedBack", CancellationToken.None);
        await context.SaveChangesAsync();

        Assert.Equal(fails, failed);
        Assert.Equal(fails ? WorkItemState.Failed : WorkItemState.Ready, item.State);
        Assert.Equal(fails, await context.TrailEvents.AnyAsync(e => e.WorkItemId == item.Id && e.Type == TrailEventTypes.Failed.Name));
    }
}
