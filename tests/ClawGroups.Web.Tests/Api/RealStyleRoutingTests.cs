using System.Globalization;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Waiting;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// End to end on people's words: the real-style agent cards register over REST, the tasks people wrote arrive as work
/// items over REST, and the coordinator routes them on PostgreSQL as its served skill model reads them.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class RealStyleRoutingTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The most an agent may take: far more than any card gets here, so capacity never decides.</summary>
    private const int Capacity = 100;

    /// <summary>Issue 18's bar for people's words on the test half (the shipped weights score 0.89 there: docs/PERFORMANCE.md).</summary>
    private const double MinimumAccuracy = 0.85;

    private ClawAppFactory _app = null!;

    // No task waits for a person here, and no registered card goes silent while the tasks arrive.
    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
        ["ClawGroups:Coordinator:HeartbeatTimeoutSeconds"] = "3600",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_coordinator_routes_people_s_tasks_among_registered_cards_as_its_skill_model_does()
    {
        var set = RealStyleEvalSet.Load(SkillCorpus.DefaultFolder()).Half(RealStyleHalf.Test);
        var tasks = set.Items();
        await using var scenario = await ApiScenario.StartAsync(_app);
        var (human, groupId) = (scenario.Human, scenario.Group.Id);

        // Every task waits behind one item a person holds until every card has registered; finishing it makes them all ready
        // at once, so one pass routes them together with every card's load at 0, as the evaluation scores them.
        var gate = await human.CreateWorkItemAsync(groupId, new CreateWorkItem("Collect the team's requests"));
        await human.TakeoverAsync(gate.Id);
        var items = new List<string>(tasks.Count);
        foreach (var task in tasks)
        {
            items.Add((await human.CreateWorkItemAsync(groupId, new CreateWorkItem(task.Title, task.Description, DependsOn: [gate.Id]))).Id);
        }

        var join = await human.CreateJoinTokenAsync(groupId, new CreateJoinToken(ExpiresInMinutes: 60, MaxUses: set.Cards.Count));
        var cardOfAgent = new Dictionary<string, string>();
        foreach (var card in set.Cards)
        {
            cardOfAgent[(await human.RegisterAgentAsync(join.Token, AgentCardOf(card))).AgentId] = card.Name;
        }

        await human.CompleteAsync(gate.Id, "All requests are in.");
        var routed = await Eventually.ReachAsync(
            () => human.ListWorkItemsAsync(groupId, WorkItemStates.Assigned), offered => offered.Count == items.Count, $"all {items.Count} tasks offered",
            TimeSpan.FromSeconds(120));

        var cardOfItem = routed.ToDictionary(w => w.Id, w => cardOfAgent[w.Assignee!.Id]);
        var coordinator = (double)items.Select((id, i) => cardOfItem[id] == set.Tasks[i].Card ? 1 : 0).Sum() / items.Count;
        var model = _app.Services.GetRequiredService<ISkillModel>();
        var expected = RealStyleEvaluation.RoutingAccuracy(model, set);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"real-style, {items.Count} tasks × {set.Cards.Count} cards, model {model.Name}: coordinator accuracy@1 {coordinator:F3}, model {expected:F3}"));
        foreach (var differs in Disagreements(model, set, tasks, items, cardOfItem))
        {
            output.WriteLine(differs);
        }

        // The end-to-end path loses nothing: the coordinator's candidate score also weighs each card's declared skill level
        // (decision 0015), which may move a near tie either way, so its accuracy is the model's or better, never clearly worse.
        Assert.True(coordinator >= expected - 0.02, $"coordinator {coordinator:F3}, model {expected:F3}");
        Assert.True(coordinator >= MinimumAccuracy, $"coordinator {coordinator:F3}");
    }

    /// <summary>The tasks the coordinator gave to another card than the model's first choice, with both affinities, for the log.</summary>
    private static IEnumerable<string> Disagreements(
        ISkillModel model, RealStyleEvalSet set, IReadOnlyList<WorkItemText> tasks, List<string> items, Dictionary<string, string> cardOfItem)
    {
        var profiles = set.Profiles();
        var scores = model.Score(tasks, profiles, CancellationToken.None);
        for (var i = 0; i < tasks.Count; i++)
        {
            var top = Enumerable.Range(0, profiles.Count).MaxBy(p => scores.Score(i, p));
            var given = Enumerable.Range(0, profiles.Count).Single(p => profiles[p].Name == cardOfItem[items[i]]);
            if (top != given)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"  \"{tasks[i].Title}\" (label {set.Tasks[i].Card}): model {profiles[top].Name} {scores.Score(i, top):F3}, coordinator {profiles[given].Name} {scores.Score(i, given):F3}");
            }
        }
    }

    private static AgentCard AgentCardOf(RealStyleCard card) => new()
    {
        Name = card.Name,
        Description = card.Description,
        Delivery = AgentDelivery.Pull,
        Capacity = Capacity,
        Skills = card.Skills.Select(s => new AgentSkill
        {
            Id = s.Id, Name = s.Name, Description = s.Description, Tags = s.Tags, Examples = s.Examples, Level = s.Level,
        }).ToList(),
    };
}
