using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Evaluation;

/// <summary>
/// The teacher's own routing of the real-style set, zero-shot (no training): the cosine of an item's text and a card's text,
/// from the teacher's vectors of those texts (<c>Corpus/data/realstyle-teacher.*</c>, written by the teacher program). This is
/// the bar the student must clear; <c>eval</c> prints it beside the student's figure.
/// </summary>
public static class RealStyleTeacher
{
    public const string FileName = "realstyle-teacher";

    /// <summary>Every text the teacher reads of the set: each task as the models read it, each whole card, each skill of each card.</summary>
    public static IReadOnlyList<string> Texts(RealStyleEvalSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Items().Select(SkillText.Of)
            .Concat(set.Profiles().Select(SkillText.Of))
            .Concat(set.Profiles().SelectMany(profile => profile.Skills.Select(skill => TokenBatch.SkillInput(profile, skill))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public static TeacherVectors? Load(string corpusFolder)
    {
        var path = Path.Combine(corpusFolder, FileName);
        return TeacherVectors.Exists(path) ? TeacherVectors.Load(path) : null;
    }

    /// <summary>
    /// Accuracy@1 of routing each task to the card whose text is nearest in the teacher's space (<paramref name="bestSkill"/>:
    /// to the card with the nearest single skill instead).
    /// </summary>
    public static double RoutingAccuracy(TeacherVectors teacher, RealStyleEvalSet set, bool bestSkill)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(set);
        var profiles = set.Profiles();
        var items = teacher.For(set.Items().Select(SkillText.Of));
        var cards = profiles.Select(profile => bestSkill
            ? teacher.For(profile.Skills.Select(skill => TokenBatch.SkillInput(profile, skill)))
            : teacher.For([SkillText.Of(profile)])).ToList();
        var correct = 0;
        for (var i = 0; i < items.Length; i++)
        {
            var best = Enumerable.Range(0, profiles.Count).MaxBy(p => cards[p].Max(vector => TeacherVectors.Cosine(items[i], vector)));
            correct += profiles[best].Name == set.Tasks[i].Card ? 1 : 0;
        }

        return (double)correct / items.Length;
    }
}
