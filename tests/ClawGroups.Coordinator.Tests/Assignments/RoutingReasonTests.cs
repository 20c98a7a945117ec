using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class RoutingReasonTests
{
    private static readonly SkillEntry Infrastructure = new("infra", "Infrastructure", "", ["Kubernetes", "terraform"], [], 0.9);

    [Fact]
    public void A_reason_names_the_words_the_skill_with_its_first_telling_tag_the_fit_the_runner_up_and_the_load()
    {
        var reason = RoutingReason.Format(["restarting", "pods"], Infrastructure, 0.834, 0.61, 1, 2);

        Assert.Equal("restarting pods → Infrastructure (Kubernetes); fit 0.83, next best 0.61; load 1/2", reason);
    }

    [Fact]
    public void A_reason_states_the_rest_of_the_score_the_declared_level_it_counted_and_the_priority_when_it_counted()
    {
        var reason = RoutingReason.Format(["restarting", "pods"], Infrastructure, 0.834, 0.61, 1, 2, level: 0.9, priority: 0.5);

        Assert.Equal("restarting pods → Infrastructure (Kubernetes); fit 0.83, next best 0.61; skill level 0.90; load 1/2; priority +0.50", reason);
    }

    [Fact]
    public void A_priority_that_did_not_count_is_not_named()
    {
        var reason = RoutingReason.Format(["restarting", "pods"], Infrastructure, 0.834, 0.61, 1, 2, level: 0.9, priority: 0.004);

        Assert.EndsWith("; skill level 0.90; load 1/2", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_words_the_reason_starts_at_the_skill()
    {
        var reason = RoutingReason.Format([], Infrastructure, 0.83, 0.61, 1, 2);

        Assert.Equal("→ Infrastructure (Kubernetes); fit 0.83, next best 0.61; load 1/2", reason);
    }

    [Fact]
    public void A_tag_that_only_repeats_the_name_is_skipped_and_a_nameless_skill_is_named_by_its_id()
    {
        var repeated = new SkillEntry("k8s", "Kubernetes", "", ["kubernetes", "helm"], [], 0.9);
        var nameless = new SkillEntry("k8s", "", "", [], [], 0.9);

        Assert.StartsWith("→ Kubernetes (helm);", RoutingReason.Format([], repeated, 0.5, null, 0, 1), StringComparison.Ordinal);
        Assert.StartsWith("→ k8s;", RoutingReason.Format([], nameless, 0.5, null, 0, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_one_else_who_could_take_it_there_is_no_runner_up_and_at_most_three_words_are_named()
    {
        var reason = RoutingReason.Format(["drain", "the", "failing", "node"], Infrastructure, 0.7, null, 0, 3);

        Assert.Equal("drain the failing → Infrastructure (Kubernetes); fit 0.70; load 0/3", reason);
    }

    [Fact]
    public async Task A_pass_explains_all_its_offers_in_one_call_and_writes_the_reasons_to_the_attempts()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("kube", 2, new AgentSkill { SkillId = "infra", Name = "Infrastructure", Tags = ["Kubernetes"], Level = 0.8 });
        await group.AddAgentAsync("pixel", 2, new AgentSkill { SkillId = "ui", Name = "Front-end", Tags = ["react"], Level = 0.8 });
        var pods = await group.AddItemAsync("Restart the stuck pods");
        var form = await group.AddItemAsync("Fix the sign-up form");
        var model = new ScriptedSkillModel
        {
            Affinity = (item, profile) => (item.Title.Contains("pods", StringComparison.Ordinal) == (profile.Name == "kube") ? 0.8f : 0.3f, 0),
            Words = match => match.Item.Title.Split(' ').Where(w => w is "Restart" or "pods" or "sign-up" or "form").ToList(),
        };

        Assert.Equal(2, await group.RunPassAsync(model));

        Assert.Equal(4, Assert.Single(model.ExplainCalls).Count); // each offer and its runner-up
        await using var reader = database.NewContext();
        var reasons = await reader.Assignments.ToDictionaryAsync(a => a.WorkItemId, a => a.Reason);
        Assert.Equal("Restart pods → Infrastructure (Kubernetes); fit 0.80, next best 0.30; skill level 0.80; load 0/2", reasons[pods.Id]);
        Assert.Equal("sign-up form → Front-end (react); fit 0.80, next best 0.30; skill level 0.80; load 0/2", reasons[form.Id]);
    }

    [Fact]
    public async Task A_pass_names_the_skill_the_model_matched_best_for_the_pair_and_the_words_that_matched_that_skill()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync(
            "forge", 2,
            new AgentSkill { SkillId = "ci", Name = "CI pipelines", Tags = ["builds"], Level = 0.9 },
            new AgentSkill { SkillId = "k8s", Name = "Kubernetes", Tags = ["kubernetes", "pods"], Level = 0.6 });
        var pods = await group.AddItemAsync("Pods crash-loop after the deploy");
        var model = new ScriptedSkillModel
        {
            Affinity = (_, _) => (0.7f, 1),
            Words = match => match.Profile.Skills[match.Skill].Id == "k8s" ? ["Pods", "crash-loop"] : ["deploy"],
        };

        Assert.Equal(1, await group.RunPassAsync(model));

        Assert.Equal(1, Assert.Single(Assert.Single(model.ExplainCalls)).Skill);
        await using var reader = database.NewContext();
        var reason = await reader.Assignments.Where(a => a.WorkItemId == pods.Id).Select(a => a.Reason).SingleAsync();
        // The level is the matched skill's, not the agent's best-declared one.
        Assert.Equal("Pods crash-loop → Kubernetes (pods); fit 0.70; skill level 0.60; load 0/2", reason);
    }

    [Fact]
    public async Task A_pass_names_the_priority_where_it_raised_the_score_and_not_where_it_did_not()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("kube", 2, new AgentSkill { SkillId = "infra", Name = "Infrastructure", Tags = ["Kubernetes"], Level = 0.8 });
        var urgent = await group.AddItemAsync("Restart the stuck pods", item => item.Priority = 10);
        var calm = await group.AddItemAsync("Tidy the helm charts");

        Assert.Equal(2, await group.RunPassAsync(new ScriptedSkillModel()));

        await using var reader = database.NewContext();
        var reasons = await reader.Assignments.ToDictionaryAsync(a => a.WorkItemId, a => a.Reason);
        Assert.EndsWith("; priority +1.00", reasons[urgent.Id], StringComparison.Ordinal);
        Assert.DoesNotContain("priority", reasons[calm.Id], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pass_offering_more_items_than_it_explains_names_the_words_of_the_first_and_starts_the_rest_at_the_skill()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var many = RoutingReason.MaxItemsExplained + 10;
        await group.AddAgentAsync("kube", many, new AgentSkill { SkillId = "infra", Name = "Infrastructure", Tags = ["Kubernetes"], Level = 0.8 });
        for (var i = 0; i < many; i++)
        {
            await group.AddItemAsync($"Restart pod {i}");
        }

        var model = new ScriptedSkillModel { Affinity = (_, _) => (0.8f, 0), Words = _ => ["Restart"] };

        Assert.Equal(many, await group.RunPassAsync(model));

        Assert.Equal(RoutingReason.MaxItemsExplained, Assert.Single(model.ExplainCalls).Count);
        await using var reader = database.NewContext();
        var reasons = await reader.Assignments.Select(a => a.Reason).ToListAsync();
        Assert.Equal(RoutingReason.MaxItemsExplained, reasons.Count(r => r!.StartsWith("Restart → Infrastructure", StringComparison.Ordinal)));
        Assert.Equal(10, reasons.Count(r => r!.StartsWith("→ Infrastructure (Kubernetes); fit 0.80", StringComparison.Ordinal)));
    }
}
