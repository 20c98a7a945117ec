using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Teacher;

/// <summary>
/// Issue 18's strongest no-training baseline, measured on the project's own real-style set: the teacher's cosine of task and
/// card, plus what the corpus's area labels say. A card scores <c>(1 − s) × cosine + s × (the share of the task's k nearest
/// labelled items, in the teacher's space, that are of the card's area)</c>, the labelled items being a fixed number of training
/// items per area. The student has to beat this to show that training taught it more than a lookup of the corpus would.
/// </summary>
internal static class TeacherWithAreaLabels
{
    public static void Run(TeacherModel teacher, string corpusFolder, int perArea, int neighbours, double areaShare)
    {
        var corpus = SkillCorpus.Load(corpusFolder);
        var random = new Random(5);
        var labelled = corpus.Train.GroupBy(item => item.Area).SelectMany(area => area.OrderBy(_ => random.Next()).Take(perArea)).ToList();
        var labelVectors = teacher.EncodeSentences(labelled.Select(item => SkillText.Of(item.ToWorkItem())).ToList(), CancellationToken.None);
        var vectors = RealStyleTeacher.Load(corpusFolder)
                      ?? throw new InvalidOperationException("No teacher reading of the real-style set: run the eval-set command first.");
        var set = RealStyleEvalSet.Load(corpusFolder);
        foreach (var half in new[] { RealStyleHalf.Dev, RealStyleHalf.Test })
        {
            var part = set.Half(half);
            var accuracy = Accuracy(part, vectors.For(part.Items().Select(SkillText.Of)), vectors.For(part.Profiles().Select(SkillText.Of)),
                labelled.Select(item => item.Area).ToList(), labelVectors, neighbours, areaShare);
            Console.WriteLine($"teacher + corpus area labels ({neighbours} nearest of {perArea} training items per area; {areaShare:0.0} area agreement + " +
                              $"{1 - areaShare:0.0} cosine), real-style {half.ToString().ToLowerInvariant()} half: {accuracy:F2}");
        }
    }

    private static double Accuracy(
        RealStyleEvalSet part, float[][] tasks, float[][] cards, IReadOnlyList<string> labels, float[][] labelVectors, int neighbours, double areaShare)
    {
        var correct = 0;
        for (var t = 0; t < tasks.Length; t++)
        {
            var nearest = Enumerable.Range(0, labelVectors.Length).OrderByDescending(l => TeacherVectors.Cosine(tasks[t], labelVectors[l])).Take(neighbours)
                .Select(l => labels[l]).ToList();
            var best = Enumerable.Range(0, cards.Length).MaxBy(c =>
                ((1 - areaShare) * TeacherVectors.Cosine(tasks[t], cards[c])) + (areaShare * nearest.Count(area => area == part.Cards[c].Area) / (double)neighbours));
            correct += part.Cards[best].Name == part.Tasks[t].Card ? 1 : 0;
        }

        return (double)correct / tasks.Length;
    }
}
