using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>Routes the real-style tasks among the real-style cards: how often the top card is the labelled one, and which tasks miss.</summary>
public static class RealStyleEvaluation
{
    public static double RoutingAccuracy(ISkillModel model, RealStyleEvalSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return (double)(set.Tasks.Count - Misses(model, set, 0).Count) / set.Tasks.Count;
    }

    /// <summary>Each task whose top card is not its label, with the <paramref name="top"/> best cards and their scores.</summary>
    public static IReadOnlyList<RealStyleMiss> Misses(ISkillModel model, RealStyleEvalSet set, int top)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        var profiles = set.Profiles();
        var scores = model.Score(set.Items(), profiles, CancellationToken.None);
        var misses = new List<RealStyleMiss>();
        for (var i = 0; i < set.Tasks.Count; i++)
        {
            var ranked = Enumerable.Range(0, profiles.Count).OrderByDescending(p => scores.Score(i, p)).ToList();
            if (profiles[ranked[0]].Name != set.Tasks[i].Card)
            {
                misses.Add(new RealStyleMiss(set.Tasks[i], ranked.Take(top).Select(p => (profiles[p].Name, (double)scores.Score(i, p))).ToList()));
            }
        }

        return misses;
    }
}

/// <summary>A task routed to the wrong card, with the cards that ranked highest.</summary>
public sealed record RealStyleMiss(RealStyleTask Task, IReadOnlyList<(string Card, double Score)> Top);
