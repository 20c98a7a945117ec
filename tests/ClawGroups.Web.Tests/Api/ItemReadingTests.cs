using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// An item's text is read by the group's model after the request that wrote it, with the other texts written about then
/// (<see cref="WrittenTextReader"/>), so that passes over it only compare vectors and the request reads nothing itself.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class ItemReadingTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Items_created_over_the_api_are_read_after_their_requests_though_no_pass_ever_sees_them()
    {
        var model = _app.Services.GetRequiredService<SkillModels>().Moe;
        Assert.NotNull(model);
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var first = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Migrate the billing tables"));
        // Waiting on the first, in the backlog: no pass loads them, so only the reader can read them.
        var waiting = await Task.WhenAll(new[] { "Backfill the invoices", "Check the totals against last month's" }.Select(title =>
            scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem(title, DependsOn: [first.Id]))));
        var ids = waiting.Select(item => Guid.Parse(item.Id)).ToList();

        var read = await Eventually.ReachAsync(
            async () =>
            {
                await using var context = _app.Database.NewContext();
                return await context.WorkItems.AsNoTracking().Where(w => ids.Contains(w.Id) && w.ReadingVersion == model.ReadingVersion).ToListAsync();
            },
            items => items.Count == ids.Count, "the waiting items read", TimeSpan.FromSeconds(10));

        Assert.All(waiting, item => Assert.Equal(WorkItemStates.Backlog, item.State));
        foreach (var item in read)
        {
            var alone = model.Read([AssignmentCandidates.ToText(item)], CancellationToken.None)[0].Vector;
            var kept = ItemReadings.Of(item)!.Vector;
            Assert.Equal(alone.Length, kept.Length);
            // Read in a batch rather than alone: the same vector up to the batch's float rounding.
            Assert.All(alone.Zip(kept), pair => Assert.Equal(pair.First, pair.Second, 1e-4f));
        }
    }
}
