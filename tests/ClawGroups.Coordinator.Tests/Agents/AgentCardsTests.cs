using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Agents;

/// <summary>
/// The card read when an agent registers is the card the passes weigh, on both databases, whatever order the agent listed
/// its skills in (both put them in ordinal order; the pass does so itself because a database with another collation returns
/// them otherwise, which these test servers' collations do not show); and a model that cannot read it does not fail the
/// registration.
/// </summary>
public sealed class AgentCardsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task The_card_read_at_registration_is_the_one_the_pass_weighs(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        // Out of order, and in an order a collation that ignores punctuation or case sorts differently from ordinal.
        var agent = await group.AddAgentAsync("sorter", 2,
            Skill("zeta"), Skill("data-science"), Skill("database"), Skill("Beta"), Skill("data_eng"));
        var model = new ScriptedSkillModel();
        await group.AddItemAsync("Tune the warehouse queries");

        await using (var context = database.NewContext())
        {
            await new AgentCards(new GroupSkillModels(new SkillModels(model), NullLogger<GroupSkillModels>.Instance), NullLogger<AgentCards>.Instance)
                .PrepareAsync(context, agent, CancellationToken.None);
        }

        await group.RunPassAsync(model);

        var prepared = Assert.Single(model.PreparedProfiles);
        var weighed = Assert.Single(model.ScoredProfiles.DistinctBy(p => p.MemberId));
        Assert.Equal(SkillText.ContentHash(weighed), SkillText.ContentHash(prepared));
        Assert.Equal(["Beta", "data-science", "data_eng", "database", "zeta"], prepared.Skills.Select(s => s.Id));
    }

    [Fact]
    public async Task A_model_that_cannot_read_the_card_leaves_the_registration_standing()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("unread");
        var model = new ScriptedSkillModel { WhilePreparing = () => throw new InvalidOperationException("the encoder is out") };
        await using var context = database.NewContext();

        var preparing = new AgentCards(new GroupSkillModels(new SkillModels(model), NullLogger<GroupSkillModels>.Instance), NullLogger<AgentCards>.Instance)
            .PrepareAsync(context, agent, CancellationToken.None);

        Assert.Null(await Record.ExceptionAsync(() => preparing));
        Assert.Empty(model.PreparedProfiles);
    }

    private static AgentSkill Skill(string id) => new() { SkillId = id, Name = id, Level = 0.8 };
}
