using System.Diagnostics;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Inference.Lexical;

namespace ClawGroups.Benchmarks;

/// <summary>
/// Every allowed (item, agent) pair of a synthetic group with its score, produced a chunk of items at a time so the
/// full list never exists: lexical affinities, the required skills as a hard constraint, and the weights of
/// <see cref="AssignmentCandidates"/> (0.7 affinity, 0.2 level, 0.1 spare; every agent idle here).
/// </summary>
internal sealed class PairStream(SyntheticGroup group)
{
    private const int Chunk = 2_000;

    private readonly LexicalSkillModel _model = new();
    private readonly List<Inference.Skills.SkillProfile> _profiles = group.Agents.Select(AssignmentCandidates.ToProfile).ToList();
    private readonly AgentFit[] _fits = group.Agents.Select(AgentFit.Of).ToArray();

    /// <summary>Milliseconds spent in the lexical model by the last <see cref="ForEach"/>.</summary>
    public double LexicalMs { get; private set; }

    /// <summary>Calls <paramref name="pair"/> for every allowed pair; returns how many.</summary>
    public long ForEach(Action<int, int, double> pair)
    {
        long count = 0;
        LexicalMs = 0;
        var itemCount = group.Items.Count;
        var agentCount = group.Agents.Count;
        for (var first = 0; first < itemCount; first += Chunk)
        {
            var items = group.Items.Skip(first).Take(Chunk).ToList();
            var lexicalClock = Stopwatch.StartNew();
            var affinities = _model.Score(items.Select(AssignmentCandidates.ToText).ToList(), _profiles, CancellationToken.None);
            LexicalMs += lexicalClock.Elapsed.TotalMilliseconds;
            for (var i = 0; i < items.Count; i++)
            {
                var required = items[i].RequiredSkills;
                for (var a = 0; a < agentCount; a++)
                {
                    if (_fits[a].Level(required, affinities.BestSkill(i, a)) is { } level)
                    {
                        pair(first + i, a, (0.7 * affinities.Score(i, a)) + (0.2 * level) + 0.1);
                        count++;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>An agent's skills as the hard constraint and the level term of the score read them.</summary>
    private sealed record AgentFit(Dictionary<string, double> LevelByKey, double[] Levels)
    {
        public static AgentFit Of(Agent agent)
        {
            var byKey = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            foreach (var skill in agent.Skills)
            {
                foreach (var key in skill.Tags.Append(skill.SkillId))
                {
                    byKey[key] = Math.Max(byKey.GetValueOrDefault(key), skill.Level);
                }
            }

            return new AgentFit(byKey, agent.Skills.Select(s => s.Level).ToArray());
        }

        /// <summary>The level the score uses, or null where the agent lacks a required skill.</summary>
        public double? Level(List<string> required, int bestSkill)
        {
            double level = bestSkill >= 0 ? Levels[bestSkill] : -1;
            foreach (var key in required)
            {
                if (!LevelByKey.TryGetValue(key, out var matched))
                {
                    return null;
                }

                level = Math.Max(level, matched);
            }

            return level < 0 ? 0.5 : level;
        }
    }
}
