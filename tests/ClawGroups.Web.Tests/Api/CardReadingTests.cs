using ClawGroups.AgentSimulator.Agents;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Inference.Skills;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// An agent's card is read by the group's model when the agent registers, as an item is when it is created, so that no pass
/// has to read the cards of a swarm that just joined (issue 17: the first pass read 300 cards while every call waited), and
/// what was read is kept with the card.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class CardReadingTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Registering_an_agent_reads_its_card_before_any_pass_needs_it()
    {
        var model = _app.Services.GetRequiredService<SkillModels>().Moe;
        Assert.NotNull(model);
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        // A card no other test registers, in a group with no work: no pass reads it, so only the registration can have.
        var card = SkillProfiles.Backend with { Name = "card reader", Description = $"Reads cards {Guid.NewGuid():N}" };

        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, card);

        await using var context = _app.Database.NewContext();
        var agent = await context.Agents.AsNoTracking().Include(a => a.Skills).SingleAsync(a => a.Id == Guid.Parse(registration.AgentId));
        AssignmentCandidates.PutSkillsInOrder(agent);
        Assert.True(model.HasRead(AssignmentCandidates.ToProfile(agent)), "the group's model has not read the new agent's card");
        // And the readings are kept with the card, for another node, or this one after a restart (SkillReadings).
        var kept = await context.AgentSkillReadings.AsNoTracking().Where(r => r.AgentId == agent.Id).ToListAsync();
        Assert.Equal(agent.Skills.Select(s => s.SkillId).Order(), kept.Select(r => r.SkillId).Order());
        Assert.All(kept, r => Assert.Equal(model.ReadingVersion, r.ReadingVersion));
        var fresh = model.ReadProfiles([AssignmentCandidates.ToProfile(agent)], CancellationToken.None)[0];
        Assert.All(kept, r => Assert.Equal(fresh[agent.Skills.FindIndex(s => s.SkillId == r.SkillId)].Vector, ItemReadings.ToVector(r.ReadingVector)));
    }
}
