using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Every offer a pass makes keeps the best candidates it weighed, with their scores and reasons, for the item's view.</summary>
public sealed class OfferCandidatesPassTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_offer_keeps_its_three_best_candidates_by_score_the_chosen_one_first_with_scores_and_reasons(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("kube", 2, Skill("infra", "Infrastructure", "Kubernetes"));
        await group.AddAgentAsync("ops", 2, Skill("ops", "Operations", "on-call"));
        await group.AddAgentAsync("pixel", 2, Skill("ui", "Front-end", "react"));
        await group.AddAgentAsync("scribe", 2, Skill("docs", "Writing", "docs"));
        var pods = await group.AddItemAsync("Restart the stuck pods");
        var model = new ScriptedSkillModel
        {
            Affinity = (_, profile) => (profile.Name switch { "kube" => 0.9f, "ops" => 0.6f, "pixel" => 0.3f, _ => 0.1f }, 0),
            Words = _ => ["stuck", "pods"],
        };

        Assert.Equal(1, await group.RunPassAsync(model));

        var attempt = Assert.Single((await ViewAsync(database, pods.Id)).Assignments);
        var candidates = attempt.Candidates!;
        Assert.Equal(["kube", "ops", "pixel"], candidates.Select(c => c.Name));
        Assert.Equal([true, false, false], candidates.Select(c => c.Chosen));
        Assert.Equal(attempt.Score, candidates[0].Score);
        Assert.Equal(candidates.Select(c => c.Score).OrderDescending(), candidates.Select(c => c.Score));
        Assert.Equal([0.9, 0.6, 0.3], candidates.Select(c => c.Affinity));
        Assert.Equal(attempt.Reason, candidates[0].Reason);
        Assert.Equal("stuck pods → Operations (on-call); fit 0.60, next best 0.90; skill level 0.80; load 0/2", candidates[1].Reason);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_member_who_scored_higher_but_whose_slot_went_to_other_work_is_listed_above_the_chosen_one_and_says_so(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        // kube has one slot and fits both items best; only kube fits the node, so the pods go to ops.
        await group.AddAgentAsync("kube", 1, Skill("infra", "Infrastructure", "Kubernetes"));
        await group.AddAgentAsync("ops", 2, Skill("ops", "Operations", "on-call"));
        var pods = await group.AddItemAsync("Restart the stuck pods");
        var node = await group.AddItemAsync("Drain the failing node");
        var model = new ScriptedSkillModel
        {
            Affinity = (item, profile) => (item.Title, profile.Name) switch
            {
                ("Restart the stuck pods", "kube") => (0.9f, 0),
                ("Restart the stuck pods", _) => (0.8f, 0),
                (_, "kube") => (0.8f, 0),
                _ => (0.1f, 0),
            },
        };

        Assert.Equal(2, await group.RunPassAsync(model, new CoordinatorOptions { MinRoutingConfidence = 0 }));

        var attempt = Assert.Single((await ViewAsync(database, pods.Id)).Assignments);
        Assert.Equal("ops", attempt.MemberName);
        var candidates = attempt.Candidates!;
        Assert.Equal(["kube", "ops"], candidates.Select(c => c.Name));
        Assert.Equal([false, true], candidates.Select(c => c.Chosen));
        Assert.True(candidates[0].Score > candidates[1].Score);
        Assert.StartsWith("given other work in this pass; → Infrastructure (Kubernetes); fit 0.90", candidates[0].Reason, StringComparison.Ordinal);
        Assert.Equal("kube", Assert.Single((await ViewAsync(database, node.Id)).Assignments).MemberName);
    }

    [Fact]
    public async Task A_held_item_shows_its_candidates_without_a_score_or_a_choice()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("kube", 2, Skill("infra", "Infrastructure", "Kubernetes"));
        await group.AddAgentAsync("ops", 2, Skill("ops", "Operations", "on-call"));
        var pods = await group.AddItemAsync("Restart the stuck pods");
        var model = new ScriptedSkillModel { Affinity = (_, profile) => (profile.Name == "kube" ? 0.81f : 0.80f, 0) };

        Assert.Equal(0, await group.RunPassAsync(model));

        var routing = (await ViewAsync(database, pods.Id)).Routing!;
        Assert.Equal(["kube", "ops"], routing.Candidates.Select(c => c.Name));
        Assert.All(routing.Candidates, c => Assert.Null(c.Score));
        Assert.DoesNotContain(routing.Candidates, c => c.Chosen);
    }

    private static AgentSkill Skill(string id, string name, string tag) => new() { SkillId = id, Name = name, Tags = [tag], Level = 0.8 };

    private static async Task<WorkItemView> ViewAsync(TestDatabase database, Guid itemId)
    {
        await using var reader = database.NewContext();
        var item = await reader.LoadWorkItemAsync(itemId, CancellationToken.None);
        return await reader.ToViewAsync(item!, CancellationToken.None);
    }
}
