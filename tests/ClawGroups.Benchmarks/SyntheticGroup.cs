using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Corpus;

namespace ClawGroups.Benchmarks;

/// <summary>
/// A seeded group made from the corpus's skill areas: agents with one to three of the areas' profiles as skills and
/// capacities 1–4, and ready items phrased like the corpus's work (one in ten names a required skill by tag).
/// </summary>
internal sealed record SyntheticGroup(List<Agent> Agents, List<WorkItem> Items)
{
    public static SyntheticGroup Create(IReadOnlyList<SkillArea> areas, int agentCount, int itemCount, int seed)
    {
        var random = new Random(seed);
        var agents = new List<Agent>(agentCount);
        for (var a = 0; a < agentCount; a++)
        {
            var agent = new Agent { Id = Guid.CreateVersion7(), Name = $"agent-{a}", Capacity = random.Next(1, 5), Status = AgentStatus.Online };
            foreach (var area in Pick(random, areas, random.Next(1, 4)))
            {
                var profile = area.Profiles[random.Next(area.Profiles.Count)];
                var skill = profile.Skills[0];
                agent.Description = string.IsNullOrEmpty(agent.Description) ? profile.Description : agent.Description;
                agent.Skills.Add(new AgentSkill
                {
                    AgentId = agent.Id,
                    SkillId = skill.Id,
                    Name = skill.Name,
                    Description = skill.Description,
                    Tags = [.. skill.Tags],
                    Examples = [.. skill.Examples],
                    Level = Math.Round(0.3 + (0.7 * random.NextDouble()), 2),
                });
            }

            agents.Add(agent);
        }

        var items = new List<WorkItem>(itemCount);
        for (var i = 0; i < itemCount; i++)
        {
            var area = areas[random.Next(areas.Count)];
            var title = random.Next(2) == 0
                ? area.Asks[random.Next(area.Asks.Count)]
                : $"{area.Things[random.Next(area.Things.Count)]} {area.Problems[random.Next(area.Problems.Count)]}";
            var item = new WorkItem
            {
                Id = Guid.CreateVersion7(),
                Title = title,
                Description = area.Contexts[random.Next(area.Contexts.Count)],
                Priority = random.Next(3),
                State = WorkItemState.Ready,
            };
            if (random.Next(10) == 0)
            {
                var tags = area.Profiles[random.Next(area.Profiles.Count)].Skills[0].Tags;
                item.RequiredSkills.Add(tags[random.Next(tags.Count)]);
            }

            items.Add(item);
        }

        return new SyntheticGroup(agents, items);
    }

    public int[] SpareCapacity() => Agents.Select(a => a.Capacity).ToArray();

    private static IEnumerable<T> Pick<T>(Random random, IReadOnlyList<T> from, int count)
        => Enumerable.Range(0, from.Count).OrderBy(_ => random.Next()).Take(count).Select(i => from[i]);
}
